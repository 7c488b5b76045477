"""``python -m bench``: generate a world of sales, time the scenarios, print the results as JSON.

SQLite by default, in a database of the benchmark's own (``bench/.data/``, never the installation's ``var/``);
PostgreSQL when ``DATABASE_URL`` is set — it must name an empty database (``scripts/bench.sh`` starts a
throwaway one). The world is generated at a small size first (10,000 sales, or a tenth of ``--sales``), where
every scenario's statements are counted, then grown to ``--sales`` and timed in full: the statement counts at
both sizes must be equal.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sales", type=int, default=1_000_000, help="sales to generate (default 1,000,000)")
    parser.add_argument("--companies", type=int, default=10_000)
    parser.add_argument("--owners", type=int, default=50)
    parser.add_argument("--sale-types", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=100, help="timed requests per scenario (default 100)")
    parser.add_argument("--warmup", type=int, default=10, help="untimed requests before them (default 10)")
    parser.add_argument("--small", type=int, default=None, help="the smaller size (default 10,000 or sales/10)")
    parser.add_argument("--only", default="", help="comma-separated scenario names (default: all)")
    parser.add_argument(
        "--import-sales",
        type=int,
        default=1_000_000,
        help="sales in the import scenario's larger file (default 1,000,000; a tenth first; 0: no import scenario)",
    )
    parser.add_argument("--out", type=Path, default=None, help="also write the JSON to this file")
    return parser.parse_args(argv)


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _setup_django() -> None:
    """Point the settings at the benchmark's own data directory (and SQLite file) before Django reads them."""
    data_dir = Path(os.environ.get("SALESGUIDE_BENCH_DATA_DIR", BENCH_DIR / ".data"))
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "static").mkdir(exist_ok=True)
    os.environ["SALESGUIDE_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salesguide.settings")
    if not os.environ.get("DATABASE_URL"):
        database = data_dir / "bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    import django

    django.setup()


def _prepare_database() -> None:
    from django.core.management import call_command

    from salesguide.models import Sale

    call_command("migrate", verbosity=0)
    if Sale.objects.exists():
        raise SystemExit(
            "bench: the database at DATABASE_URL already has sales; the benchmark needs an empty database "
            "(scripts/bench.sh starts a throwaway PostgreSQL)"
        )


def machine() -> dict[str, Any]:
    from django.db import connection

    memory = ""
    cpu = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            cursor.execute("SELECT sqlite_version()")
            version = f"SQLite {cursor.fetchone()[0]}"
    from django.conf import settings

    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "ram": memory,
        "python": platform.python_version(),
        "database": version,
        "conn_max_age": settings.DATABASES["default"].get("CONN_MAX_AGE"),
    }


def _run_scenarios(
    seed: int, wanted: set[str], *, requests: int, warmup: int, floor_runs: int | None = None
) -> tuple[dict[str, dict[str, Any]], list[Any]]:
    from bench.scenarios import World, judge, measure, scenarios

    world = World(seed, moves_needed=requests + warmup + 2)
    chosen = [s for s in scenarios(world) if not wanted or s.name in wanted or s.name == "api_noop"]
    noop = next(s for s in chosen if s.name == "api_noop")
    results: dict[str, dict[str, Any]] = {}
    for scenario in chosen:
        started = time.perf_counter()
        count = requests if scenario.capacity is None else min(requests, scenario.capacity - warmup - 1)
        paired = noop if scenario.target is not None and scenario.target.noop_factor is not None else None
        results[scenario.name] = measure(scenario, requests=count, warmup=warmup, floor_runs=floor_runs, paired=paired)
        result = results[scenario.name]
        _log(
            f"bench:   {scenario.name}: "
            + (
                "missing"
                if result.get("missing")
                else f"p50 {result.get('p50_ms')} ms, p95 {result.get('p95_ms')} ms, "
                f"{result.get('statements')} statements, floor p95 {result.get('floor_p95_ms', '-')} ms"
                f" ({time.perf_counter() - started:.0f} s)"
            )
        )
    judge(results, chosen)
    return results, chosen


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    _setup_django()
    _prepare_database()
    from django.conf import settings

    from bench.generate import Sizes, prepare

    # The throttle stays in the path (its cost is part of every request) but lets the benchmark through.
    settings.SALESGUIDE_API_RATE = "100000000/min"
    sizes = Sizes(args.sales, args.companies, args.owners, args.sale_types, args.seed)
    small = args.small if args.small is not None else min(10_000, args.sales // 10)
    wanted = {name.strip() for name in args.only.split(",") if name.strip()}
    started = time.perf_counter()
    generator = prepare(sizes, log=_log)
    small_results: dict[str, dict[str, Any]] = {}
    generated = 0.0
    if small > 0:
        generator.add_sales(0, small)
        generated += time.perf_counter() - started
        _log(f"bench: scenarios at {small:,} sales")
        small_results, _ = _run_scenarios(args.seed, wanted, requests=20, warmup=5, floor_runs=20)
    started = time.perf_counter()
    generator.add_sales(small, args.sales)
    generated += time.perf_counter() - started
    _log(f"bench: scenarios at {args.sales:,} sales")
    results, _ = _run_scenarios(args.seed + 1, wanted, requests=args.requests, warmup=args.warmup)
    for name, result in results.items():
        before = small_results.get(name)
        if before and "p95_ms" in before:
            result["small"] = {
                "sales": small,
                "p50_ms": before["p50_ms"],
                "p95_ms": before["p95_ms"],
                "statements": before["statements"],
            }
            result["statements_equal"] = before["statements"] == result.get("statements")
    imports = None
    if args.import_sales > 0 and (not wanted or "imports" in wanted):
        from bench.imports import import_scenario

        _log(f"bench: import scenario at {args.import_sales // 10:,} and {args.import_sales:,} sales")
        data_dir = Path(os.environ["SALESGUIDE_DATA_DIR"])
        imports = import_scenario(data_dir, (args.import_sales // 10, args.import_sales), seed=args.seed, log=_log)
    output = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "sales": generator.made,
        "stage_changes": generator.changes,
        "activities": generator.activities,
        "generation_seconds": round(generated, 1),
        "scenarios": results,
        "imports": imports,
    }
    text = json.dumps(output, indent=2, ensure_ascii=False)
    print(text)
    if args.out is not None:
        args.out.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
