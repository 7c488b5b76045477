"""Backup and restore (services/backup.py): one file with every table and every uploaded file, written from one
consistent snapshot while others write, and restored into an empty installation as exactly what it was.

These tests run outside pytest-django's per-test transaction (``transaction=True``): the backup opens its own
snapshot transaction and the restore its own, as they do in production."""

from __future__ import annotations

import hashlib
import json
import threading
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from salesguide.models import (
    Company,
    Contact,
    Role,
    Sale,
    SaleType,
    StageChange,
    SuggestedDocument,
    SuggestedFollowup,
    User,
)
from salesguide.queries.customers import companies, contacts
from salesguide.services import sales
from salesguide.services.backup import (
    FORMAT_VERSION,
    BackupRefused,
    applied_migrations,
    backup_manifest,
    restore_backup,
    write_backup,
)
from salesguide.services.backup_tables import table_checksums
from salesguide.services.demo import load_demo_data

pytestmark = pytest.mark.django_db(transaction=True)


# --- the installation before and after ---------------------------------------------------------------------------


def media_files() -> dict[str, str]:
    """Every uploaded file by its path under MEDIA_ROOT, with the checksum of its bytes."""
    root = Path(settings.MEDIA_ROOT)
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def installation() -> tuple[dict[str, Any], dict[str, str]]:
    return table_checksums(), media_files()


def upload(relative: str, content: bytes) -> None:
    path = Path(settings.MEDIA_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def empty_the_installation() -> None:
    """What a freshly migrated installation holds: no data (migrate's content types and permissions), no files."""
    call_command("flush", interactive=False, verbosity=0)
    for path in Path(settings.MEDIA_ROOT).rglob("*"):
        if path.is_file():
            path.unlink()


def rewritten(source: Path, target: Path, change: dict[str, Any]) -> Path:
    """A copy of a backup with some members replaced (bytes, or a function of the old bytes)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info.filename)
            if info.filename in change:
                replacement = change[info.filename]
                data = replacement(data) if callable(replacement) else replacement
            new.writestr(info.filename, data)
    return target


def with_manifest(source: Path, target: Path, **fields: Any) -> Path:
    def edit(data: bytes) -> bytes:
        return json.dumps({**json.loads(data), **fields}).encode()

    return rewritten(source, target, {"manifest.json": edit})


@pytest.fixture
def owner(make_user: Any) -> User:
    return make_user("owner", Role.MANAGER)


@pytest.fixture
def demo() -> None:
    """The demo installation (its users, companies, sales with history, documents), an uploaded template and a
    binary file that no compression improves."""
    load_demo_data("en")
    upload("templates/offer.docx", b"PK\x03\x04 a template " * 50)
    upload("documents/2026/12/quote.pdf", bytes(range(256)) * 40)


@pytest.fixture
def small(owner: User) -> Sale:
    """A small installation: one company with a sale (and its first history row), one uploaded file."""
    from salesguide.services.starter import load_starter_guides

    load_starter_guides("en")
    company = Company.objects.create(name="Bakkerij Jansen", city="Utrecht")
    sale = sales.create_sale(
        owner, title="Ovens", sale_type_id=SaleType.objects.order_by("pk").first().pk, company_id=company.pk
    )
    upload("company/logo.png", b"\x89PNG a logo")
    return sale


# --- the round trip ----------------------------------------------------------------------------------------------


def test_a_backup_restored_into_an_empty_installation_gives_back_every_row_and_file(demo: None, tmp_path: Path):
    before_tables, before_files = installation()
    backup = tmp_path / "salesguide.zip"

    written = write_backup(backup)
    empty_the_installation()
    restored = restore_backup(backup)

    after_tables, after_files = installation()
    assert after_tables == before_tables
    assert after_files == before_files
    assert before_tables["salesguide_sale"].rows == 30
    assert len(before_files) >= 2
    assert restored == written
    assert written.rows == sum(checksum.rows for checksum in before_tables.values())


def test_a_backup_carries_the_exit_criteria_the_required_marks_and_an_override_reason(small: Sale, tmp_path: Path):
    # Given a sale type in block mode with required items, and a move overridden with a reason
    SaleType.objects.filter(pk=small.sale_type_id).update(exit_criteria="block")
    followup = SuggestedFollowup.objects.filter(link__sale_type_id=small.sale_type_id).order_by("pk").first()
    document = SuggestedDocument.objects.filter(link__sale_type_id=small.sale_type_id).order_by("pk").first()
    SuggestedFollowup.objects.filter(pk=followup.pk).update(required=True)
    SuggestedDocument.objects.filter(pk=document.pk).update(required=True)
    StageChange.objects.filter(sale=small).update(override_reason="The customer signed early.")
    required_followups = set(SuggestedFollowup.objects.filter(required=True).values_list("pk", flat=True))
    required_documents = set(SuggestedDocument.objects.filter(required=True).values_list("pk", flat=True))
    backup = tmp_path / "b.zip"

    # When
    write_backup(backup)
    empty_the_installation()
    restore_backup(backup)

    # Then
    assert SaleType.objects.get(pk=small.sale_type_id).exit_criteria == "block"
    assert set(SuggestedFollowup.objects.filter(required=True).values_list("pk", flat=True)) == required_followups
    assert set(SuggestedDocument.objects.filter(required=True).values_list("pk", flat=True)) == required_documents
    assert followup.pk in required_followups and document.pk in required_documents
    assert set(StageChange.objects.filter(sale_id=small.pk).values_list("override_reason", flat=True)) == {
        "The customer signed early."
    }
    columns = {t["table"]: t["columns"] for t in backup_manifest(backup)["tables"]}
    assert "exit_criteria" in columns["salesguide_saletype"]
    assert "required" in columns["salesguide_suggestedfollowup"]
    assert "required" in columns["salesguide_suggesteddocument"]
    assert "override_reason" in columns["salesguide_stagechange"]


def test_after_a_restore_word_search_finds_every_company_and_contact_again(demo: None, tmp_path: Path):
    """The search indexes are no tables of their own in the backup: the database rebuilds them as rows come in."""
    backup = tmp_path / "salesguide.zip"
    write_backup(backup)
    empty_the_installation()

    restore_backup(backup)

    assert Company.objects.count() > 5
    for company in Company.objects.all():
        assert company in companies(q=company.name)
    for contact in Contact.objects.all():
        assert contact in contacts(q=contact.email)


def test_after_a_restore_new_rows_get_ids_past_the_highest_restored_one(small: Sale, tmp_path: Path):
    backup = tmp_path / "b.zip"
    for number in range(5):
        Company.objects.create(name=f"Company {number}")
    highest = Company.objects.order_by("-pk").first().pk
    write_backup(backup)
    empty_the_installation()

    restore_backup(backup)
    company = Company.objects.create(name="New after the restore")

    assert company.pk > highest


def test_the_manifest_says_what_the_backup_holds(small: Sale, tmp_path: Path):
    backup = tmp_path / "b.zip"

    write_backup(backup)
    manifest = backup_manifest(backup)

    assert manifest["format_version"] == FORMAT_VERSION
    assert manifest["database_vendor"] == connection.vendor
    assert manifest["migrations"] == applied_migrations()
    tables = {t["table"]: t for t in manifest["tables"]}
    assert tables["salesguide_sale"]["rows"] == 1
    assert tables["salesguide_sale"]["sha256"] == table_checksums()["salesguide_sale"].sha256
    assert "django_session" not in tables
    files = {f["path"]: f for f in manifest["files"]}
    assert files["company/logo.png"] == {
        "path": "company/logo.png",
        "bytes": 11,
        "sha256": hashlib.sha256(b"\x89PNG a logo").hexdigest(),
    }
    assert {path: f["sha256"] for path, f in files.items()} == media_files()


def test_the_rows_of_a_table_are_json_lines_in_primary_key_order(small: Sale, tmp_path: Path):
    backup = tmp_path / "b.zip"
    Company.objects.create(name="Second")

    write_backup(backup)

    with zipfile.ZipFile(backup) as archive:
        lines = archive.read("tables/salesguide_company.jsonl").decode().splitlines()
    columns = next(t for t in backup_manifest(backup)["tables"] if t["table"] == "salesguide_company")["columns"]
    rows = [dict(zip(columns, json.loads(line), strict=True)) for line in lines]
    assert [row["name"] for row in rows] == ["Bakkerij Jansen", "Second"]
    assert rows[0]["id"] < rows[1]["id"]


# --- refusing ----------------------------------------------------------------------------------------------------


def test_restoring_over_data_is_refused_and_changes_nothing(small: Sale, tmp_path: Path):
    backup = tmp_path / "b.zip"
    write_backup(backup)
    Company.objects.create(name="Made after the backup")
    upload("templates/new.docx", b"new")
    before = installation()

    with pytest.raises(BackupRefused) as refused:
        restore_backup(backup)

    assert "already holds data" in str(refused.value)
    assert installation() == before


def test_force_replaces_every_row_and_file_by_the_backups(small: Sale, tmp_path: Path):
    backup = tmp_path / "b.zip"
    backed_up = installation()
    write_backup(backup)
    Company.objects.create(name="Made after the backup")
    Sale.objects.update(title="Changed after the backup")
    upload("templates/new.docx", b"new")

    restore_backup(backup, force=True)

    assert installation() == backed_up
    assert not Company.objects.filter(name="Made after the backup").exists()


def damaged_table_line(data: bytes) -> bytes:
    return data.replace(b"Bakkerij Jansen", b"Bakkerij Pietersen")


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda b, t: rewritten(b, t, {"tables/salesguide_company.jsonl": damaged_table_line}), id="row"),
        pytest.param(lambda b, t: rewritten(b, t, {"files/company/logo.png": b"another logo"}), id="file"),
        pytest.param(lambda b, t: rewritten(b, t, {"tables/salesguide_sale.jsonl": b""}), id="rows-missing"),
        pytest.param(lambda b, t: t.write_bytes(b.read_bytes()[: b.stat().st_size // 2]) and t, id="truncated"),
        pytest.param(lambda b, t: with_manifest(b, t, format_version=FORMAT_VERSION + 1), id="format-version"),
        pytest.param(
            lambda b, t: with_manifest(b, t, migrations=[*applied_migrations(), "salesguide.9999_future"]),
            id="newer-migrations",
        ),
        pytest.param(lambda b, t: with_manifest(b, t, migrations=applied_migrations()[:-1]), id="older-migrations"),
        pytest.param(lambda b, t: rewritten(b, t, {"manifest.json": b"{"}), id="manifest"),
        pytest.param(lambda b, t: t.write_bytes(b"just some text") and t, id="not-a-zip"),
    ],
)
def test_a_damaged_or_foreign_backup_is_refused_and_changes_nothing(small: Sale, tmp_path: Path, damage: Any):
    good = tmp_path / "good.zip"
    write_backup(good)
    damaged = damage(good, tmp_path / "damaged.zip")
    Company.objects.create(name="Made after the backup")
    upload("templates/new.docx", b"new")
    before = installation()

    with pytest.raises(BackupRefused) as refused:
        restore_backup(damaged, force=True)

    assert "\n" not in str(refused.value)
    assert installation() == before
    assert not [p for p in Path(settings.MEDIA_ROOT).parent.iterdir() if "restoring" in p.name]


def test_a_row_the_database_refuses_is_refused_even_when_its_checksum_was_made_to_match(small: Sale, tmp_path):
    good = tmp_path / "good.zip"
    write_backup(good)
    with zipfile.ZipFile(good) as archive:
        lines = archive.read("tables/salesguide_company.jsonl")
    columns = next(t for t in backup_manifest(good)["tables"] if t["table"] == "salesguide_company")["columns"]
    row = json.loads(lines)
    row[columns.index("name")] = None
    forged_lines = json.dumps(row).encode() + b"\n"

    def forged_manifest(data: bytes) -> bytes:
        manifest = json.loads(data)
        for table in manifest["tables"]:
            if table["table"] == "salesguide_company":
                table["sha256"] = hashlib.sha256(forged_lines).hexdigest()
        return json.dumps(manifest).encode()

    forged = rewritten(
        good,
        tmp_path / "forged.zip",
        {"tables/salesguide_company.jsonl": forged_lines, "manifest.json": forged_manifest},
    )
    Company.objects.create(name="Made after the backup")
    before = installation()

    with pytest.raises(BackupRefused) as refused:
        restore_backup(forged, force=True)

    assert str(refused.value) == (
        "The backup is damaged: tables/salesguide_company.jsonl holds a row this database cannot store."
    )
    assert installation() == before


def test_the_refusal_of_a_newer_backup_says_to_upgrade_first(small: Sale, tmp_path: Path):
    good = tmp_path / "good.zip"
    write_backup(good)
    newer = with_manifest(good, tmp_path / "newer.zip", migrations=[*applied_migrations(), "salesguide.9999_future"])

    with pytest.raises(BackupRefused) as refused:
        restore_backup(newer, force=True)

    assert str(refused.value) == (
        "This backup comes from a newer version of Salesguide (migration salesguide.9999_future is not applied "
        "here): upgrade Salesguide and run “salesguide migrate” first."
    )


# --- while others write ------------------------------------------------------------------------------------------


@pytest.fixture
def database_as_in_production(tmp_path: Path):
    """On SQLite, a database file in WAL mode as an installation has, for the length of the test: the test
    database lives in shared-cache memory, where a reader locks whole tables against writers (PostgreSQL's test
    database is already the real thing)."""
    if connection.vendor != "sqlite":
        yield
        return
    memory, kept = connection.settings_dict["NAME"], connection.connection
    # Closing the test database's last connection would drop it: keep that one aside and open the file's.
    connection.connection = None
    # The dict is shared with the connections other threads open, so they come to the file too.
    connection.settings_dict["NAME"] = str(tmp_path / "salesguide.sqlite3")
    try:
        call_command("migrate", verbosity=0)
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = memory
        connection.connection = kept


def test_a_backup_taken_while_another_thread_writes_is_one_consistent_moment(
    database_as_in_production: None, small: Sale, owner: User, tmp_path: Path
):
    """Between reading the sales and reading their history rows, another connection creates a sale (with its
    first history row) and commits. The backup holds neither, and the writer was not kept waiting."""
    backup = tmp_path / "b.zip"
    sale_type_id = small.sale_type_id
    written: list[int] = []
    failures: list[BaseException] = []

    def create_a_sale() -> None:
        try:
            written.append(sales.create_sale(owner, title="Made during the backup", sale_type_id=sale_type_id).pk)
        except BaseException as error:  # reported below, in the test's own thread
            failures.append(error)
        finally:
            connection.close()

    def progress(part: str, done: int, total: int) -> None:
        if part == "salesguide_sale" and not written and not failures:
            writer = threading.Thread(target=create_a_sale)
            writer.start()
            writer.join(timeout=30)

    write_backup(backup, progress=progress)

    assert not failures, failures
    assert Sale.objects.filter(pk__in=written).exists()
    assert StageChange.objects.filter(sale_id__in=written).count() == 1
    with zipfile.ZipFile(backup) as archive:
        sale_rows = archive.read("tables/salesguide_sale.jsonl").decode().splitlines()
        history_rows = archive.read("tables/salesguide_stagechange.jsonl").decode().splitlines()
    assert len(sale_rows) == 1
    assert len(history_rows) == 1
