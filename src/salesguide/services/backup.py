"""``salesguide backup FILE`` and ``salesguide restore FILE``: the whole installation — every table and the
uploaded files — in one zip file, and back (decision 0010).

The backup reads one consistent snapshot while the app keeps serving: a REPEATABLE READ, read-only transaction
on PostgreSQL; a deferred read transaction in WAL mode on SQLite (writers go on; they do not see each other).
Rows are streamed in primary-key order as JSON lines, never held in memory, so a backup made on SQLite restores
into PostgreSQL and back. The restore changes nothing unless everything checks out: the format version, the
migration state, every checksum; it loads in one transaction and moves the files into place only after it.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import io
import json
import os
import secrets
import shutil
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from salesguide.domain.errors import Message, RuleViolation, gettext_noop
from salesguide.services.backup_tables import (
    MADE_BY_MIGRATE,
    BackupTable,
    ChecksumOfLines,
    TableChecksum,
    backup_tables,
    row_line,
    row_loader,
    table_checksum,
    table_rows,
)

FORMAT = "salesguide-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
TABLES_DIR = "tables"
FILES_DIR = "files"
INSERT_BATCH = 1000
PROGRESS_EVERY = 2000
COPY_CHUNK = 1024 * 1024

# ``progress(part, done, total)``: the table being written or read ("files" for the uploads), how many of its
# rows (or files) are done and how many there are. Called now and then, for the command line's progress bar.
Progress = Callable[[str, int, int], None]


class BackupRefused(RuleViolation):
    """The backup file cannot be restored here (damaged, another format, another version, data in the way)."""


@dataclass(frozen=True)
class BackupSummary:
    tables: int
    rows: int
    files: int


def no_progress(part: str, done: int, total: int) -> None:
    pass


# --- backup ------------------------------------------------------------------------------------------------------


def applied_migrations() -> list[str]:
    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())


def _app_version() -> str:
    try:
        return importlib.metadata.version("salesguide")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


@contextlib.contextmanager
def read_snapshot() -> Iterator[None]:
    """Every read inside sees the database as it was at one moment, without stopping writers.

    Inside a transaction of the caller's (a test), that transaction is the snapshot."""
    if connection.in_atomic_block:
        yield
        return
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
        return
    # SQLite: Django's own transactions begin IMMEDIATE (they take the write lock); a backup must not, so it
    # opens a plain deferred one. Its first read fixes the snapshot; in WAL mode writers carry on meanwhile.
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("BEGIN DEFERRED")
        try:
            cursor.execute("SELECT count(*) FROM sqlite_master")
            yield
        finally:
            cursor.execute("ROLLBACK")


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _write_table(archive: zipfile.ZipFile, table: BackupTable, progress: Progress) -> dict[str, Any]:
    total = table.model._base_manager.count()
    checksum = ChecksumOfLines()
    with archive.open(f"{TABLES_DIR}/{table.name}.jsonl", "w", force_zip64=True) as member:
        buffer = io.BufferedWriter(member, COPY_CHUNK)  # one compressor call per megabyte, not per row
        for values in table_rows(table):
            line = row_line(values)
            buffer.write(line)
            checksum.add(line)
            if checksum.rows % PROGRESS_EVERY == 0:
                progress(table.name, checksum.rows, total)
        buffer.flush()
        buffer.detach()
    progress(table.name, checksum.rows, max(total, checksum.rows))
    result = checksum.result()
    return {
        "table": table.name,
        "model": table.label,
        "columns": table.columns,
        "rows": result.rows,
        "sha256": result.sha256,
    }


def _write_file(archive: zipfile.ZipFile, path: Path) -> dict[str, Any] | None:
    relative = path.relative_to(settings.MEDIA_ROOT).as_posix()
    digest = hashlib.sha256()
    size = 0
    try:
        source = path.open("rb")
    except FileNotFoundError:
        return None  # removed since the listing (a document deleted meanwhile): not part of the snapshot
    with source, archive.open(f"{FILES_DIR}/{relative}", "w", force_zip64=True) as member:
        while chunk := source.read(COPY_CHUNK):
            member.write(chunk)
            digest.update(chunk)
            size += len(chunk)
    return {"path": relative, "bytes": size, "sha256": digest.hexdigest()}


def write_backup(target: Path, *, progress: Progress | None = None) -> BackupSummary:
    """Write the backup to ``target``: first to a temporary file beside it, renamed into place when complete,
    so an interrupted backup never leaves a file that looks whole. Raises OSError when it cannot write."""
    progress = progress or no_progress
    partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}.partial")
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
            with read_snapshot():
                migrations = applied_migrations()
                tables = [_write_table(archive, table, progress) for table in backup_tables()]
            # After the snapshot: a file is written before the row that names it, so every file the snapshot
            # refers to is here (and perhaps a few newer ones nothing refers to yet).
            paths = _media_files()
            files = []
            for number, path in enumerate(paths, start=1):
                if (entry := _write_file(archive, path)) is not None:
                    files.append(entry)
                progress(FILES_DIR, number, len(paths))
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "app_version": _app_version(),
                "created_at": timezone.now().isoformat(),
                "database_vendor": connection.vendor,
                "migrations": migrations,
                "tables": tables,
                "files": files,
            }
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return BackupSummary(len(tables), sum(t["rows"] for t in tables), len(files))


# --- restore -----------------------------------------------------------------------------------------------------


def _refused(text: str, **params: Any) -> BackupRefused:
    return BackupRefused(Message(text, params))


def _damaged(part: str) -> BackupRefused:
    return _refused(gettext_noop("The backup is damaged: %(part)s does not match its checksum."), part=part)


def _open_archive(source: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(source)
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise _refused(
            gettext_noop("%(file)s is not a Salesguide backup, or it is damaged (not a whole zip file)."),
            file=source.name,
        ) from None


def _read_manifest(archive: zipfile.ZipFile, source: Path) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except (KeyError, ValueError, zipfile.BadZipFile, zlib.error, EOFError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _refused(gettext_noop("%(file)s is not a Salesguide backup (it has no manifest)."), file=source.name)
    if manifest.get("format_version") != FORMAT_VERSION:
        raise _refused(
            gettext_noop(
                "This backup has format version %(found)s; this version of Salesguide reads format version "
                "%(expected)s."
            ),
            found=manifest.get("format_version"),
            expected=FORMAT_VERSION,
        )
    return manifest


def _check_migrations(manifest: dict[str, Any]) -> None:
    theirs, ours = set(manifest.get("migrations") or []), set(applied_migrations())
    if newer := sorted(theirs - ours):
        raise _refused(
            gettext_noop(
                "This backup comes from a newer version of Salesguide (migration %(migration)s is not applied "
                "here): upgrade Salesguide and run “salesguide migrate” first."
            ),
            migration=newer[0],
        )
    if older := sorted(ours - theirs):
        raise _refused(
            gettext_noop(
                "This backup comes from an older version of Salesguide (it lacks migration %(migration)s): "
                "restore it with that version, then upgrade."
            ),
            migration=older[0],
        )


def _tables_in(manifest: dict[str, Any]) -> list[tuple[BackupTable, dict[str, Any]]]:
    entries = {entry.get("table"): entry for entry in manifest.get("tables") or [] if isinstance(entry, dict)}
    tables = []
    for table in backup_tables():
        entry = entries.pop(table.name, None)
        if entry is None or entry.get("columns") != table.columns:
            raise _refused(
                gettext_noop("The backup's table %(table)s does not match this installation's."), table=table.name
            )
        tables.append((table, entry))
    if entries:
        raise _refused(
            gettext_noop("The backup's table %(table)s does not match this installation's."),
            table=sorted(str(name) for name in entries)[0],
        )
    return tables


def data_in_the_way() -> str | None:
    """The first table holding rows of its own (not the ones ``migrate`` makes); None when the installation is
    empty."""
    for table in backup_tables():
        if table.name not in MADE_BY_MIGRATE and table.model._base_manager.exists():
            return table.name
    return None


def _refuse_over_data() -> None:
    if found := data_in_the_way():
        raise _refused(
            gettext_noop(
                "This installation already holds data (in %(table)s): restore with --force to replace everything "
                "in it by the backup."
            ),
            table=found,
        )


def _safe_member_path(relative: str) -> PurePosixPath:
    path = PurePosixPath(relative)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise _damaged(f"{FILES_DIR}/{relative}")
    return path


def _unpack_files(archive: zipfile.ZipFile, manifest: dict[str, Any], staging: Path, progress: Progress) -> int:
    files = manifest.get("files") or []
    for number, entry in enumerate(files, start=1):
        relative = _safe_member_path(str(entry.get("path", "")))
        name = f"{FILES_DIR}/{relative}"
        target = staging.joinpath(*relative.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        try:
            with archive.open(name) as member, target.open("wb") as out:
                while chunk := member.read(COPY_CHUNK):
                    out.write(chunk)
                    digest.update(chunk)
        except (KeyError, zipfile.BadZipFile, zlib.error, EOFError):
            raise _damaged(name) from None
        if digest.hexdigest() != entry.get("sha256"):
            raise _damaged(name)
        progress(FILES_DIR, number, len(files))
    return len(files)


def _load_table(archive: zipfile.ZipFile, table: BackupTable, entry: dict[str, Any], progress: Progress) -> int:
    name = f"{TABLES_DIR}/{table.name}.jsonl"
    quote = connection.ops.quote_name
    # The names are the models' own, never the file's (the manifest's columns were checked against them).
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(table.name), ", ".join(quote(c) for c in table.columns), ", ".join(["%s"] * len(table.columns))
    )
    checksum = ChecksumOfLines()
    load = row_loader(table)
    batch: list[list[Any]] = []
    total = int(entry.get("rows") or 0)
    try:
        with archive.open(name) as member, connection.cursor() as cursor:
            for line in member:
                checksum.add(line)
                batch.append(load(json.loads(line)))
                if len(batch) == INSERT_BATCH:
                    cursor.executemany(sql, batch)
                    batch.clear()
                if checksum.rows % PROGRESS_EVERY == 0:
                    progress(table.name, checksum.rows, total)
            if batch:
                cursor.executemany(sql, batch)
    except (KeyError, ValueError, TypeError, zipfile.BadZipFile, zlib.error, EOFError):
        raise _damaged(name) from None
    except DatabaseError:
        # A row the table refuses (a NULL where none may be) in a file whose checksums were made to match; the
        # restore's transaction is rolled back all the same.
        raise _refused(
            gettext_noop("The backup is damaged: %(part)s holds a row this database cannot store."), part=name
        ) from None
    if checksum.result() != TableChecksum(total, str(entry.get("sha256"))):
        raise _damaged(name)
    progress(table.name, checksum.rows, total)
    return checksum.rows


def _load_rows(
    archive: zipfile.ZipFile, tables: list[tuple[BackupTable, dict[str, Any]]], force: bool, progress: Progress
) -> int:
    """Empty the tables and load the backup's rows, all in the caller's transaction."""
    if not force:
        _refuse_over_data()  # again, inside the transaction: nothing came in since the first look
    names = [table.name for table, _ in tables]
    with connection.cursor() as cursor:
        for statement in connection.ops.sql_flush(no_style(), [*names, "django_session"]):
            cursor.execute(statement)
    rows = sum(_load_table(archive, table, entry, progress) for table, entry in tables)
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [table.model for table, _ in tables]):
            cursor.execute(statement)
    # What the database gives back must be what was backed up (a value the two databases store differently
    # would show here, not months later).
    for table, entry in tables:
        if table_checksum(table) != TableChecksum(int(entry["rows"]), str(entry["sha256"])):
            raise _refused(
                gettext_noop("The table %(table)s did not read back as it was backed up; nothing was restored."),
                table=table.name,
            )
    return rows


def _put_files_in_place(staging: Path) -> None:
    media = Path(settings.MEDIA_ROOT)
    replaced = media.with_name(f".{media.name}.replaced-{secrets.token_hex(4)}")
    if media.exists():
        media.rename(replaced)
    staging.rename(media)
    shutil.rmtree(replaced, ignore_errors=True)


def restore_backup(source: Path, *, force: bool = False, progress: Progress | None = None) -> BackupSummary:
    """Replace the installation's data and uploaded files by the backup's. Refuses (``BackupRefused``, nothing
    changed) a damaged file, another format version, another migration state, or — unless ``force`` — an
    installation that holds data already. Raises OSError when the file cannot be read."""
    progress = progress or no_progress
    with _open_archive(source) as archive:
        manifest = _read_manifest(archive, source)
        _check_migrations(manifest)
        tables = _tables_in(manifest)
        if not force:
            _refuse_over_data()
        media = Path(settings.MEDIA_ROOT)
        media.parent.mkdir(parents=True, exist_ok=True)
        staging = media.with_name(f".{media.name}.restoring-{secrets.token_hex(4)}")
        staging.mkdir()
        try:
            files = _unpack_files(archive, manifest, staging, progress)
            try:
                with transaction.atomic():
                    rows = _load_rows(archive, tables, force, progress)
            except IntegrityError:
                # Foreign keys are checked when the transaction commits: rows that point at rows the backup
                # does not hold (a file whose checksums were made to match).
                raise _refused(
                    gettext_noop("The backup's rows point at rows it does not hold; nothing was restored.")
                ) from None
            _put_files_in_place(staging)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    ContentType.objects.clear_cache()
    return BackupSummary(len(tables), rows, files)


def backup_manifest(source: Path) -> dict[str, Any]:
    """The manifest of a backup file (what it holds), for tests and for looking before restoring."""
    with _open_archive(source) as archive:
        return _read_manifest(archive, source)
