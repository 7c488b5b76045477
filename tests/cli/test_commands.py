"""The operator's commands, through Django's call_command as the ``salesguide`` script runs them."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from salesguide.models import ApiToken, Role, SaleType, Stage, SuggestedDocument, User
from salesguide.services.accounts import user_for_token
from salesguide.services.guide_files import export_guide
from salesguide.services.starter import load_starter_guides

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def fails(*args: str) -> tuple[str, str]:
    """Run a command that must fail; its one-line message and what it wrote to stderr."""
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command(*args, stdout=io.StringIO(), stderr=err)
    assert "\n" not in str(caught.value)
    return str(caught.value), err.getvalue()


@pytest.fixture
def starter_guides():
    return load_starter_guides("en")


# --- guide export / import --------------------------------------------------------------------------------


def test_guide_export_writes_the_yaml_of_the_named_sale_type_to_stdout(starter_guides):
    out, _ = run("guide", "export", "sale to NEW customer")

    assert out == export_guide(SaleType.objects.get(name="Sale to new customer"))


def test_guide_export_finds_a_sale_type_by_id_and_writes_to_a_file(starter_guides, tmp_path):
    sale_type = SaleType.objects.get(name="Long sales process")
    target = tmp_path / "long.yaml"

    out, _ = run("guide", "export", str(sale_type.pk), "-o", str(target))

    assert target.read_bytes() == export_guide(sale_type).encode("utf-8")
    assert "Exported the guide of “Long sales process”" in out


def test_guide_export_of_an_unknown_sale_type_fails_with_a_message():
    message, _ = fails("guide", "export", "Nothing like this")

    assert message == "There is no sale type “Nothing like this”."


def test_guide_import_creates_the_sale_type_with_its_guide(starter_guides, tmp_path):
    text = export_guide(SaleType.objects.get(name="Sale to new customer"))
    source = tmp_path / "guide.yaml"
    source.write_text(text.replace("name: Sale to new customer", "name: Imported sale"), encoding="utf-8")

    out, _ = run("guide", "import", str(source))

    imported = SaleType.objects.get(name="Imported sale")
    assert out.strip() == f"Imported the guide “Imported sale” (sale type {imported.pk})."
    assert imported.links.count() == 6


def test_guide_import_carries_the_exit_criteria_and_the_required_marks_and_refuses_an_unknown_mode(
    starter_guides, tmp_path
):
    text = export_guide(SaleType.objects.get(name="Sale to new customer")).replace(
        "name: Sale to new customer", "name: Imported sale"
    )
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(text.replace("exit_criteria: 'off'", "exit_criteria: block"), encoding="utf-8")
    bad.write_text(text.replace("exit_criteria: 'off'", "exit_criteria: always"), encoding="utf-8")

    message, err = fails("guide", "import", str(bad))
    run("guide", "import", str(good))

    line = text.splitlines().index("  exit_criteria: 'off'") + 1
    assert message == "The guide was not imported: 1 problem."
    assert err.splitlines() == [f"line {line}: Choose one of: off, warn, block. (sale_type.exit_criteria)"]
    imported = SaleType.objects.get(name="Imported sale")
    assert imported.exit_criteria == "block"
    assert [d.name for d in SuggestedDocument.objects.filter(link__sale_type=imported, required=True)] == ["Quotation"]
    out, _ = run("guide", "export", "Imported sale")
    assert "  exit_criteria: block\n" in out and "    required: true\n" in out


def test_guide_import_with_errors_lists_every_problem_on_its_own_line_and_exits_non_zero(tmp_path):
    source = tmp_path / "broken.yaml"
    source.write_text(
        "salesguide_guide: 1\n"
        "sale_type:\n"
        "  name: Broken\n"
        "stages:\n"
        "- name: Lead\n"
        "  probability: 120\n"
        "- name: Offer\n"
        "  probability: 50\n"
        "  colour: red\n",
        encoding="utf-8",
    )

    message, err = fails("guide", "import", str(source))

    assert message == "The guide was not imported: 2 problems."
    assert err.splitlines() == [
        "line 6: The probability must be between 0 and 100, not 120. (stages[0].probability)",
        "line 9: Unknown key “colour”; allowed here: name, probability, description, expected_days, "
        "followups, documents. (stages[1].colour)",
    ]
    assert SaleType.objects.count() == 0 and Stage.objects.count() == 0


def test_guide_import_of_a_missing_file_fails_with_a_message(tmp_path):
    message, _ = fails("guide", "import", str(tmp_path / "nope.yaml"))

    assert message.startswith(f"Cannot read {tmp_path / 'nope.yaml'}:")


def test_guide_needs_a_subcommand():
    with pytest.raises(CommandError):
        call_command("guide", stdout=io.StringIO(), stderr=io.StringIO())


# --- demo -------------------------------------------------------------------------------------------------


def test_demo_loads_the_starter_guides_of_a_dutch_installation_once_and_says_so_in_dutch(settings):
    settings.LANGUAGE_CODE = "nl"  # resets the active language to the installation's

    first, _ = run("demo")
    again, _ = run("demo")

    assert first.splitlines()[:3] == [
        "Standaardverkoopgids “Verkoop aan nieuwe klant” geladen.",
        "Standaardverkoopgids “Verkoop aan bestaande klant” geladen.",
        "Standaardverkoopgids “Lang verkoopproces” geladen.",
    ]
    assert first.splitlines()[3].startswith("Demogegevens geladen")
    assert again.splitlines() == ["De standaardverkoopgidsen zijn al geladen.", "De demogegevens zijn al geladen."]
    assert SaleType.objects.count() == 3


def test_demo_loads_the_other_language_on_request():
    run("demo", "--language", "en")

    assert SaleType.objects.filter(name="Sale to existing customer").exists()


def test_demo_fails_with_a_message_when_a_starter_stage_clashes(make_user):
    Stage.objects.create(name="Proposal", probability=33)

    message, _ = fails("demo", "--language", "en")

    assert "The stage “Proposal” already exists with probability 33%" in message
    assert SaleType.objects.count() == 0


# --- createuser, token, ensureadmin -----------------------------------------------------------------------


def test_createuser_prints_a_generated_password_that_logs_in():
    out, _ = run("createuser", "alice", "--role", "manager", "--language", "en")

    lines = out.splitlines()
    assert lines[0] == "Created the user “alice” (Sales manager)."
    password = lines[-1].removeprefix("Password: ")
    alice = User.objects.get(username="alice")
    assert (alice.role, alice.language) == ("manager", "en")
    assert alice.check_password(password)


def test_createuser_with_a_password_does_not_print_it():
    out, _ = run("createuser", "bob", "--role", "salesperson", "--password", "a-good-long-secret")

    assert "a-good-long-secret" not in out and "Password" not in out
    assert User.objects.get(username="bob").check_password("a-good-long-secret")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--role", "admin", "--password", "short"], "password"),
        (["--role", "admin", "--password", "password123"], "password"),
    ],
)
def test_createuser_with_a_weak_password_fails_with_a_one_line_message(args, expected):
    message, _ = fails("createuser", "carol", *args)

    assert expected in message
    assert not User.objects.filter(username="carol").exists()


def test_createuser_refuses_a_taken_name_and_an_unknown_role(make_user):
    make_user("dave", "salesperson")

    message, _ = fails("createuser", "DAVE", "--role", "admin")
    assert message == "There is already a user named “DAVE”."
    message, _ = fails("createuser", "erin", "--role", "king")
    assert "invalid choice: 'king'" in message


def test_token_create_prints_the_token_alone_on_the_last_line(make_user):
    frank = make_user("frank", "salesperson")

    out, _ = run("token", "create", "frank", "--name", "script")

    token = out.splitlines()[-1]
    assert token == token.strip() and " " not in token
    assert user_for_token(token) == frank
    assert ApiToken.objects.get(user=frank).name == "script"


def test_token_create_for_an_unknown_user_fails():
    message, _ = fails("token", "create", "nobody")

    assert message == "There is no active user “nobody”."


def test_ensureadmin_creates_an_admin_once_and_prints_the_password_once():
    out, _ = run("ensureadmin")

    lines = out.splitlines()
    assert lines[-2] == "User name: admin"
    admin = User.objects.get(username="admin")
    assert admin.role == Role.ADMIN
    assert admin.check_password(lines[-1].removeprefix("Password: "))

    again, _ = run("ensureadmin")
    assert again.strip() == "An administrator already exists."
    assert User.objects.count() == 1


def test_ensureadmin_leaves_an_installation_with_an_admin_alone(admin_user):
    out, _ = run("ensureadmin")

    assert out.strip() == "An administrator already exists."
    assert User.objects.count() == 1


# --- serve ------------------------------------------------------------------------------------------------


def test_serve_collects_static_files_then_hands_over_to_gunicorn(monkeypatch, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    started: dict[str, Any] = {}
    monkeypatch.setattr("salesguide.cli.serve.os.execv", lambda path, argv: started.update(path=path, argv=argv))

    out, _ = run("serve", "--host", "0.0.0.0", "--port", "8123")

    assert Path(settings.STATIC_ROOT, "salesguide", "salesguide.css").exists()
    assert started["path"] == sys.executable
    assert started["argv"][1:] == [
        "-m",
        "gunicorn",
        "salesguide.wsgi:application",
        "--bind",
        "0.0.0.0:8123",
        "--workers",
        "2",
        "--timeout",
        "600",
        "--access-logfile",
        "-",
    ]
    assert "http://0.0.0.0:8123/" in out


def test_serve_refuses_a_port_out_of_range(monkeypatch):
    monkeypatch.setattr("salesguide.cli.serve.os.execv", lambda path, argv: pytest.fail("must not start"))

    message, _ = fails("serve", "--port", "70000")

    assert message == "The port must be a number from 1 to 65535."


def test_an_exported_starter_guide_is_valid_yaml_for_the_command_line(starter_guides, tmp_path):
    target = tmp_path / "new.yaml"
    run("guide", "export", "Sale to new customer", "-o", str(target))

    assert yaml.safe_load(target.read_text(encoding="utf-8"))["sale_type"]["name"] == "Sale to new customer"


def test_the_command_line_speaks_dutch_on_a_dutch_installation(settings):
    settings.LANGUAGE_CODE = "nl"
    with translation.override("nl"), pytest.raises(CommandError) as caught:
        call_command("guide", "export", "Nothing like this")
    assert str(caught.value) == "Er is geen verkooptype “Nothing like this”."
