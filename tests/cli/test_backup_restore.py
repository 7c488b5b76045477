"""``salesguide backup FILE`` and ``salesguide restore FILE [--force]`` as an operator runs them: through
call_command, and through the console script on an installation of its own (a data directory with a SQLite
file), which is also how a backup travels from PostgreSQL to SQLite and back."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from salesguide.models import Company
from salesguide.services.backup_tables import table_checksums
from salesguide.services.demo import load_demo_data

pytestmark = pytest.mark.django_db(transaction=True)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def fails(*args: str) -> str:
    with pytest.raises(CommandError) as caught:
        call_command(*args, stdout=io.StringIO(), stderr=io.StringIO())
    assert "\n" not in str(caught.value)
    return str(caught.value)


def media_files() -> dict[str, bytes]:
    root = Path(settings.MEDIA_ROOT)
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def upload(relative: str, content: bytes) -> None:
    path = Path(settings.MEDIA_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def empty_the_installation() -> None:
    call_command("flush", interactive=False, verbosity=0)
    for path in Path(settings.MEDIA_ROOT).rglob("*"):
        if path.is_file():
            path.unlink()


@pytest.fixture
def company() -> Company:
    upload("company/logo.png", b"\x89PNG our logo")
    return Company.objects.create(name="Bakkerij Jansen", city="Utrecht")


def test_backup_says_what_it_wrote_and_restore_gives_it_back(company: Company, tmp_path: Path):
    before = table_checksums(), media_files()
    backup = tmp_path / "nightly.zip"

    said = run("backup", str(backup))
    empty_the_installation()
    answered = run("restore", str(backup))

    rows = sum(checksum.rows for checksum in before[0].values())
    tables = len(before[0])
    assert said.strip() == f"Backed up to {backup} — tables: {tables}, rows: {rows}, files: 1."
    assert answered.strip() == f"Restored from {backup} — tables: {tables}, rows: {rows}, files: 1."
    assert (table_checksums(), media_files()) == before


def test_restore_over_data_fails_with_one_line_and_changes_nothing(company: Company, tmp_path: Path):
    backup = tmp_path / "nightly.zip"
    run("backup", str(backup))
    Company.objects.create(name="Made after the backup")
    before = table_checksums(), media_files()

    message = fails("restore", str(backup))

    assert message.startswith("This installation already holds data (")
    assert message.endswith("restore with --force to replace everything in it by the backup.")
    assert (table_checksums(), media_files()) == before


def test_restore_with_force_replaces_the_data(company: Company, tmp_path: Path):
    backup = tmp_path / "nightly.zip"
    backed_up = table_checksums(), media_files()
    run("backup", str(backup))
    Company.objects.create(name="Made after the backup")
    upload("templates/new.docx", b"new")

    run("restore", "--force", str(backup))

    assert (table_checksums(), media_files()) == backed_up


def test_restore_of_a_file_that_is_not_a_backup_fails_with_one_line(company: Company, tmp_path: Path):
    text = tmp_path / "notes.zip"
    text.write_text("not a zip at all")

    assert fails("restore", "--force", str(text)) == (
        "notes.zip is not a Salesguide backup, or it is damaged (not a whole zip file)."
    )
    assert fails("restore", str(tmp_path / "missing.zip")).startswith(
        f"Cannot read {tmp_path / 'missing.zip'}: No such file or directory"
    )


def test_backup_into_a_folder_that_does_not_exist_fails_with_one_line(company: Company, tmp_path: Path):
    target = tmp_path / "no" / "such" / "folder" / "b.zip"

    assert fails("backup", str(target)).startswith(f"Cannot write {target}: No such file or directory")
    assert not target.parent.exists()


# --- the console script, on an installation of its own -------------------------------------------------------------


def salesguide(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The ``salesguide`` script on an installation of its own: SQLite in ``data_dir``, whatever this test run's
    database is."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(SALESGUIDE_DATA_DIR=str(data_dir), SALESGUIDE_LANGUAGE="en")
    return subprocess.run(
        [sys.executable, "-m", "salesguide", *args], env=env, capture_output=True, text=True, timeout=300
    )


def test_a_backup_travels_to_a_sqlite_installation_and_back_unchanged(tmp_path: Path, settings: Any):
    """On the PostgreSQL run this is PostgreSQL → SQLite → PostgreSQL: both directions of a move. Once restored
    there, the script refuses to restore over it again, with one line and a non-zero status."""
    load_demo_data("en")
    upload("documents/2026/12/quote.pdf", bytes(range(256)) * 40)
    before = table_checksums(), media_files()
    here, there = tmp_path / "here.zip", tmp_path / "there.zip"
    other = tmp_path / "other-installation"
    run("backup", str(here))

    migrated = salesguide(other, "migrate", "--verbosity", "0")
    restored_there = salesguide(other, "restore", str(here))
    refused_there = salesguide(other, "restore", str(here))
    backed_up_there = salesguide(other, "backup", str(there))
    empty_the_installation()
    run("restore", str(there))

    assert migrated.returncode == 0, migrated.stderr
    assert restored_there.returncode == 0, restored_there.stderr
    assert backed_up_there.returncode == 0, backed_up_there.stderr
    assert refused_there.returncode != 0
    assert refused_there.stderr.strip().splitlines() == [
        "CommandError: This installation already holds data (in salesguide_activity): restore with --force to "
        "replace everything in it by the backup."
    ]
    assert (other / "media" / "documents/2026/12/quote.pdf").read_bytes() == bytes(range(256)) * 40
    assert (table_checksums(), media_files()) == before
