"""``make run`` for a newcomer (issue 9, item 26): it installs only what running needs (scripts/venv.sh in ``run``
mode; the test tools come with ``test`` mode, for ``make test``), and it ends by saying how to log in — as the
administrator and as the demo's sales manager and salespeople — in the installation's language
(``salesguide logins``)."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from salesguide.models import User

ROOT = Path(__file__).resolve().parents[2]
URL = "http://127.0.0.1:8000/"


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def printed_passwords(out: str, word: str) -> dict[str, str]:
    """user name -> password, from the lines "  <role>  <user name>  <word>: <password>"."""
    return dict(re.findall(rf"^ +\S.*? +(\S+) +{word}: (\S+)$", out, flags=re.M))


# --- the login message ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_make_run_says_how_to_log_in_as_admin_manager_and_salespeople_when_the_installation_is_english(settings):
    # Given an English installation with the demo loaded, as make run leaves it
    settings.LANGUAGE_CODE = "en"
    run("demo")

    # When make run prints how to log in
    out = run("logins", "--url", URL)

    # Then it gives the address and a user name and a new password for the administrator and each demo user
    lines = out.splitlines()
    assert lines[0] == f"Open {URL} and log in as one of these users:"
    assert re.search(r"^  Administrator +admin +password: \S+$", out, flags=re.M)
    assert re.search(r"^  Sales manager +manager +password: \S+$", out, flags=re.M)
    assert re.search(r"^  Salesperson +sales1 +password: \S+$", out, flags=re.M)
    assert re.search(r"^  Salesperson +sales2 +password: \S+$", out, flags=re.M)
    assert "Note the new passwords: they are shown only this once." in out
    assert "Forgot a password? Set a new one with: salesguide changepassword <user name>" in out
    # And each printed password logs that user in
    passwords = printed_passwords(out, "password")
    assert sorted(passwords) == ["admin", "manager", "sales1", "sales2"]
    for username, password in passwords.items():
        assert User.objects.get(username=username).check_password(password)


@pytest.mark.django_db
def test_make_run_says_how_to_log_in_in_dutch_when_the_installation_is_dutch(settings):
    # Given a Dutch installation with the demo loaded (the shell that started it may speak English)
    settings.LANGUAGE_CODE = "nl"
    run("demo")

    # When make run prints how to log in
    out = run("logins", "--url", URL)

    # Then it says so in Dutch, with the roles in Dutch
    assert out.splitlines()[0] == f"Open {URL} en log in als een van deze gebruikers:"
    assert re.search(r"^  Beheerder +admin +wachtwoord: \S+$", out, flags=re.M)
    assert re.search(r"^  Verkoopmanager +manager +wachtwoord: \S+$", out, flags=re.M)
    assert re.search(r"^  Verkoper +sales1 +wachtwoord: \S+$", out, flags=re.M)
    assert "Noteer de nieuwe wachtwoorden: ze worden alleen deze keer getoond." in out
    assert "Wachtwoord vergeten? Stel een nieuw wachtwoord in met: salesguide changepassword <gebruikersnaam>" in out
    for username, password in printed_passwords(out, "wachtwoord").items():
        assert User.objects.get(username=username).check_password(password)


@pytest.mark.django_db
def test_a_second_make_run_shows_no_password_and_changes_none_when_they_were_set_before(settings):
    # Given an installation whose passwords were shown at its first start, and a manager who chose their own
    settings.LANGUAGE_CODE = "en"
    run("demo")
    run("logins")
    manager = User.objects.get(username="manager")
    manager.set_password("my-own-manager-password")
    manager.save()
    hashes = dict(User.objects.values_list("username", "password"))

    # When make run starts it again
    out = run("logins", "--url", URL)

    # Then every user is listed without a password, and no password changed
    for role, username in (
        ("Administrator", "admin"),
        ("Sales manager", "manager"),
        ("Salesperson", "sales1"),
        ("Salesperson", "sales2"),
    ):
        assert re.search(rf"^  {role} +{username} +password: as shown when it was set$", out, flags=re.M)
    assert "Note the new passwords" not in out
    assert dict(User.objects.values_list("username", "password")) == hashes
    assert User.objects.get(username="manager").check_password("my-own-manager-password")


@pytest.mark.django_db
def test_without_the_demo_only_the_administrators_are_listed_when_logins_runs(settings, admin_user):
    settings.LANGUAGE_CODE = "en"
    out = run("logins", "--url", URL)
    assert re.search(rf"^  Administrator +{admin_user.username} +password: as shown when it was set$", out, flags=re.M)
    assert "manager" not in out and "sales1" not in out
    assert User.objects.count() == 1


# --- scripts/venv.sh: run mode and test mode ------------------------------------------------------------------


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A checkout with scripts/venv.sh and a venv whose python only writes down how it was called."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "venv.sh", tmp_path / "scripts" / "venv.sh")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    stub = bin_dir / "python"
    stub.write_text(f'#!/bin/sh\nif [ "$1" = "-m" ]; then echo "$@" >> "{tmp_path}/pip.log"; fi\n')
    stub.chmod(0o755)
    for tool in ("salesguide", "pytest"):
        (bin_dir / tool).write_text("#!/bin/sh\n")
        (bin_dir / tool).chmod(0o755)
    return tmp_path


def venv(checkout: Path, *args: str) -> tuple[str, list[str]]:
    """Run venv.sh; what it printed, and the pip commands it ran (and forgets them)."""
    result = subprocess.run(
        ["bash", str(checkout / "scripts" / "venv.sh"), *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env={**os.environ, "PATH": os.environ["PATH"]},
    )
    log = checkout / "pip.log"
    pip = log.read_text().splitlines() if log.exists() else []
    log.unlink(missing_ok=True)
    return result.stdout, pip


def test_run_mode_installs_the_project_without_the_test_tools_when_the_venv_is_new(checkout: Path) -> None:
    _, pip = venv(checkout, "run")
    assert len(pip) == 1
    assert pip[0].startswith("-m pip install") and pip[0].endswith("-e .")
    assert (checkout / ".venv" / ".pyproject.sha256").read_text().split()[1] == "run"


def test_test_mode_adds_the_test_tools_once_when_the_venv_was_made_for_running(checkout: Path) -> None:
    venv(checkout, "run")
    out, pip = venv(checkout, "run")
    assert pip == [] and "up to date" in out
    _, pip = venv(checkout, "test")
    assert len(pip) == 1 and pip[0].endswith("-e .[dev]")
    # A venv with the test tools has all that running needs
    out, pip = venv(checkout, "test")
    assert pip == [] and "up to date" in out
    out, pip = venv(checkout, "run")
    assert pip == [] and "up to date" in out


def test_a_changed_pyproject_installs_again_in_the_mode_asked_for_when_either_runs(checkout: Path) -> None:
    venv(checkout, "test")
    (checkout / "pyproject.toml").write_text('[project]\nname = "y"\n')
    _, pip = venv(checkout, "run")
    assert len(pip) == 1 and pip[0].endswith("-e .")


def test_venv_refuses_an_unknown_mode_when_called_with_one(checkout: Path) -> None:
    result = subprocess.run(["bash", str(checkout / "scripts" / "venv.sh"), "everything"], capture_output=True)
    assert result.returncode == 2
    assert b"usage" in result.stderr


def test_make_run_asks_for_the_run_mode_and_make_test_for_the_test_mode_when_they_prepare_the_venv() -> None:
    run_sh = (ROOT / "scripts" / "run.sh").read_text()
    test_sh = (ROOT / "scripts" / "test.sh").read_text()
    assert "scripts/venv.sh run" in run_sh and "scripts/venv.sh test" not in run_sh
    assert "scripts/system-deps.sh run" in run_sh
    assert re.findall(r"scripts/venv\.sh\b[^\n]*", test_sh) == ["scripts/venv.sh test"] * 2
    # And make run's login message comes from the translated command, not from an English echo
    assert 'salesguide logins --url "http://127.0.0.1:$port/"' in run_sh
    assert "and log in" not in run_sh
