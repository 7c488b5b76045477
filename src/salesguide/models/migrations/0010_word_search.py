"""Word search that stays fast at a million sales (decision 0009).

SQLite: one FTS5 table per searched list (trigram tokenizer, rowid = the item's id) holding the text of the
fields ``queries.search`` reads, filled from the rows there are and kept in step by triggers, so every writer
(the services, an import, the benchmark's bulk load, a restore) keeps it right without knowing of it. A
company's new name is written into the rows of its sales and contacts by a trigger too.

PostgreSQL: ``pg_trgm`` GIN indexes on ``UPPER(field)``, the expression Django's ``icontains`` compares. The
extension is created when missing (the database owner may do that on PostgreSQL 13 and later).
"""

# Every statement here is built from fixed table and column names, never from input.
# ruff: noqa: S608

from __future__ import annotations

from typing import Any

from django.db import migrations

SALE, COMPANY, CONTACT = "salesguide_sale", "salesguide_company", "salesguide_contact"
SALE_FTS, COMPANY_FTS, CONTACT_FTS = "salesguide_sale_search", "salesguide_company_search", "salesguide_contact_search"


def _company_name(company_id: str) -> str:
    return f"coalesce((SELECT name FROM {COMPANY} WHERE id = {company_id}), '')"


def _sale_row(row: str) -> str:
    return f"INSERT INTO {SALE_FTS}(rowid, title, company) VALUES ({row}.id, {row}.title, {_company_name(f'{row}.company_id')});"


def _company_row(row: str) -> str:
    return (
        f"INSERT INTO {COMPANY_FTS}(rowid, name, city, email, org_number) "
        f"VALUES ({row}.id, {row}.name, {row}.city, {row}.email, {row}.org_number);"
    )


def _contact_row(row: str) -> str:
    # The name as the rule reads it: first name, a space, last name.
    return (
        f"INSERT INTO {CONTACT_FTS}(rowid, name, email, phone, title, company) VALUES ({row}.id, "
        f"{row}.first_name || ' ' || {row}.last_name, {row}.email, {row}.phone, {row}.title, "
        f"{_company_name(f'{row}.company_id')});"
    )


def _changed(*columns: str) -> str:
    return " OR ".join(f"old.{column} IS NOT new.{column}" for column in columns)


SQLITE_FORWARD = [
    f"CREATE VIRTUAL TABLE {SALE_FTS} USING fts5(title, company, tokenize='trigram')",
    f"CREATE VIRTUAL TABLE {COMPANY_FTS} USING fts5(name, city, email, org_number, tokenize='trigram')",
    f"CREATE VIRTUAL TABLE {CONTACT_FTS} USING fts5(name, email, phone, title, company, tokenize='trigram')",
    # The rows there are.
    f"INSERT INTO {SALE_FTS}(rowid, title, company) SELECT s.id, s.title, coalesce(c.name, '') "
    f"FROM {SALE} s LEFT JOIN {COMPANY} c ON c.id = s.company_id",
    f"INSERT INTO {COMPANY_FTS}(rowid, name, city, email, org_number) "
    f"SELECT id, name, city, email, org_number FROM {COMPANY}",
    f"INSERT INTO {CONTACT_FTS}(rowid, name, email, phone, title, company) "
    f"SELECT p.id, p.first_name || ' ' || p.last_name, p.email, p.phone, p.title, coalesce(c.name, '') "
    f"FROM {CONTACT} p LEFT JOIN {COMPANY} c ON c.id = p.company_id",
    # Sales.
    f"CREATE TRIGGER {SALE_FTS}_insert AFTER INSERT ON {SALE} BEGIN {_sale_row('new')} END",
    f"CREATE TRIGGER {SALE_FTS}_update AFTER UPDATE OF title, company_id ON {SALE} "
    f"WHEN {_changed('title', 'company_id')} "
    f"BEGIN DELETE FROM {SALE_FTS} WHERE rowid = old.id; {_sale_row('new')} END",
    f"CREATE TRIGGER {SALE_FTS}_delete AFTER DELETE ON {SALE} BEGIN DELETE FROM {SALE_FTS} WHERE rowid = old.id; END",
    # Companies, and their name in their sales' and contacts' rows.
    f"CREATE TRIGGER {COMPANY_FTS}_insert AFTER INSERT ON {COMPANY} BEGIN {_company_row('new')} END",
    f"CREATE TRIGGER {COMPANY_FTS}_update AFTER UPDATE OF name, city, email, org_number ON {COMPANY} "
    f"WHEN {_changed('name', 'city', 'email', 'org_number')} "
    f"BEGIN DELETE FROM {COMPANY_FTS} WHERE rowid = old.id; {_company_row('new')} END",
    f"CREATE TRIGGER {COMPANY_FTS}_delete AFTER DELETE ON {COMPANY} "
    f"BEGIN DELETE FROM {COMPANY_FTS} WHERE rowid = old.id; END",
    f"CREATE TRIGGER {COMPANY_FTS}_rename AFTER UPDATE OF name ON {COMPANY} WHEN old.name IS NOT new.name BEGIN "
    f"UPDATE {SALE_FTS} SET company = new.name WHERE rowid IN (SELECT id FROM {SALE} WHERE company_id = new.id); "
    f"UPDATE {CONTACT_FTS} SET company = new.name "
    f"WHERE rowid IN (SELECT id FROM {CONTACT} WHERE company_id = new.id); END",
    # Contacts.
    f"CREATE TRIGGER {CONTACT_FTS}_insert AFTER INSERT ON {CONTACT} BEGIN {_contact_row('new')} END",
    f"CREATE TRIGGER {CONTACT_FTS}_update AFTER UPDATE OF first_name, last_name, email, phone, title, company_id "
    f"ON {CONTACT} WHEN {_changed('first_name', 'last_name', 'email', 'phone', 'title', 'company_id')} "
    f"BEGIN DELETE FROM {CONTACT_FTS} WHERE rowid = old.id; {_contact_row('new')} END",
    f"CREATE TRIGGER {CONTACT_FTS}_delete AFTER DELETE ON {CONTACT} "
    f"BEGIN DELETE FROM {CONTACT_FTS} WHERE rowid = old.id; END",
]
SQLITE_BACKWARD = [
    *(
        f"DROP TRIGGER IF EXISTS {table}_{event}"
        for table in (SALE_FTS, CONTACT_FTS)
        for event in ("insert", "update", "delete")
    ),
    *(f"DROP TRIGGER IF EXISTS {COMPANY_FTS}_{event}" for event in ("insert", "update", "delete", "rename")),
    *(f"DROP TABLE IF EXISTS {table}" for table in (SALE_FTS, COMPANY_FTS, CONTACT_FTS)),
]

# (index name, table, the expression ``icontains`` compares)
POSTGRESQL_INDEXES = [
    ("sale_title_trgm_idx", SALE, "UPPER(title)"),
    ("company_name_trgm_idx", COMPANY, "UPPER(name)"),
    ("company_city_trgm_idx", COMPANY, "UPPER(city)"),
    ("company_email_trgm_idx", COMPANY, "UPPER(email)"),
    ("company_org_number_trgm_idx", COMPANY, "UPPER(org_number)"),
    # The name as ``Concat("first_name", Value(" "), "last_name")`` writes it (CONCAT() is not immutable).
    (
        "contact_name_trgm_idx",
        CONTACT,
        "UPPER((COALESCE(first_name, '') || COALESCE((COALESCE(' ', '') || COALESCE(last_name, '')), ''))::text)",
    ),
    ("contact_email_trgm_idx", CONTACT, "UPPER(email)"),
    ("contact_phone_trgm_idx", CONTACT, "UPPER(phone)"),
    ("contact_title_trgm_idx", CONTACT, "UPPER(title)"),
]


def forward(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        statements = SQLITE_FORWARD
    elif connection.vendor == "postgresql":
        statements = [
            "CREATE EXTENSION IF NOT EXISTS pg_trgm",
            *(
                f"CREATE INDEX {name} ON {table} USING gin ({expression} gin_trgm_ops)"
                for name, table, expression in POSTGRESQL_INDEXES
            ),
        ]
    else:
        return
    for statement in statements:
        schema_editor.execute(statement)


def backward(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        statements = SQLITE_BACKWARD
    elif connection.vendor == "postgresql":
        # The extension stays: other databases objects may use it, and it costs nothing unused.
        statements = [f"DROP INDEX IF EXISTS {name}" for name, _, _ in POSTGRESQL_INDEXES]
    else:
        return
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("salesguide", "0009_sale_external_reference"),
    ]

    operations = [migrations.RunPython(forward, backward)]
