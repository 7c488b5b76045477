#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the test suite: trust auth, 127.0.0.1 only, a free port,
# fsync off, everything (data, socket, log) inside one temp directory that `stop` removes.
#
#   eval "$(scripts/pgtmp.sh start)"     # exports PGTMP_DIR and DATABASE_URL
#   scripts/pgtmp.sh stop "$PGTMP_DIR"   # stops the cluster and removes the directory
#
# `start` prints only shell assignments on stdout (progress goes to stderr), so its output can be
# eval'ed. Callers should install their trap before starting: `start` cleans up after itself when it
# fails, and `stop` is safe to call twice or with an empty argument.
#
# initdb and pg_ctl refuse to run as root, so as root they run as the `postgres` user.
# PG_BIN overrides where the server binaries are (default: PostgreSQL 15, else the newest installed).
set -euo pipefail

MARKER=".salesguide-pgtmp"

log() { echo "pgtmp: $*" >&2; }
die() { log "error: $*"; exit 1; }

pg_bin() {
    if [[ -n "${PG_BIN:-}" ]]; then
        echo "$PG_BIN"
    elif [[ -x /usr/lib/postgresql/15/bin/pg_ctl ]]; then
        echo /usr/lib/postgresql/15/bin
    else
        local dirs=(/usr/lib/postgresql/*/bin)
        [[ -x "${dirs[0]}/pg_ctl" ]] || die "no PostgreSQL server in /usr/lib/postgresql (run scripts/system-deps.sh)"
        printf '%s\n' "${dirs[@]}" | sort -V | tail -n 1
    fi
}

# Run a server command as the cluster's owner: `postgres` when we are root, else ourselves.
as_owner() {
    if [[ $EUID -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

port_in_use() {
    # A successful connect means something listens there.
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pick_port() {
    local port
    for _ in $(seq 1 50); do
        port=$((20000 + RANDOM % 40000))
        if ! port_in_use "$port"; then
            echo "$port"
            return 0
        fi
    done
    die "found no free port"
}

stop_cluster() {
    local dir="${1:-}"
    [[ -n "$dir" ]] || { log "stop: no directory given, nothing to do"; return 0; }
    [[ -d "$dir" ]] || { log "stop: $dir does not exist, nothing to do"; return 0; }
    # Never rm -rf a directory this script did not make.
    [[ -f "$dir/$MARKER" ]] || die "stop: $dir was not made by pgtmp.sh; refusing to touch it"
    local bin
    bin=$(pg_bin)
    if [[ -f "$dir/data/postmaster.pid" ]]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 \
            || as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 \
            || log "stop: pg_ctl could not stop the cluster in $dir (see $dir/postgres.log)"
    fi
    rm -rf -- "$dir"
    log "stopped and removed $dir"
}

start_cluster() {
    local bin dir port
    bin=$(pg_bin)
    [[ -x "$bin/initdb" && -x "$bin/pg_ctl" ]] || die "initdb/pg_ctl not found in $bin"
    if [[ $EUID -eq 0 ]]; then
        id postgres >/dev/null 2>&1 || die "there is no postgres user (run scripts/system-deps.sh)"
    fi

    # /tmp, not $TMPDIR: the postgres user must be able to reach the directory.
    dir=$(mktemp -d "${PGTMP_PARENT:-/tmp}/salesguide-pg.XXXXXX")
    touch "$dir/$MARKER"
    # If anything below fails (or we are interrupted), leave nothing behind.
    STARTING_DIR="$dir"
    trap 'if [[ -n "${STARTING_DIR:-}" ]]; then stop_cluster "$STARTING_DIR" || true; fi' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    if [[ $EUID -eq 0 ]]; then
        chown -R postgres:postgres "$dir"
    fi
    chmod 700 "$dir"

    log "initdb in $dir"
    as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync \
        >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }

    # A port can be taken between the check and the bind: try a few.
    local started=""
    for _ in 1 2 3 4 5; do
        port=$(pick_port)
        if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
            -o "-k $dir -h 127.0.0.1 -p $port -F" start >/dev/null 2>&1; then
            started=1
            break
        fi
        log "could not start on port $port, trying another"
    done
    if [[ -z "$started" ]]; then
        cat "$dir/postgres.log" >&2 2>/dev/null || true
        die "pg_ctl start failed"
    fi
    STARTING_DIR=""
    log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') listening on 127.0.0.1:$port"

    printf "export PGTMP_DIR=%q\n" "$dir"
    printf "export DATABASE_URL=%q\n" "postgres://postgres@127.0.0.1:$port/postgres"
}

case "${1:-}" in
    start) start_cluster ;;
    stop) stop_cluster "${2:-${PGTMP_DIR:-}}" ;;
    *)
        echo "usage: eval \"\$($0 start)\"   |   $0 stop DIR" >&2
        exit 2
        ;;
esac
