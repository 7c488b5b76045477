"""Every user-visible string exists in Dutch and English: the Dutch catalogue is complete and well-formed."""

from pathlib import Path

import polib
import pytest

import salesguide

LOCALE = Path(salesguide.__file__).parent / "locale"
CATALOGUES = sorted(LOCALE.glob("nl/LC_MESSAGES/*.po"))


def test_there_is_a_dutch_catalogue():
    assert [p.name for p in CATALOGUES] == ["django.po"]


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.name)
def test_every_message_has_a_dutch_translation(path):
    catalogue = polib.pofile(str(path))
    missing = [e.msgid for e in catalogue if not e.obsolete and not e.translated()]
    fuzzy = [e.msgid for e in catalogue if "fuzzy" in e.flags and not e.obsolete]
    assert missing == [], f"untranslated: {missing[:20]}"
    assert fuzzy == [], f"fuzzy (needs review): {fuzzy[:20]}"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.name)
def test_dutch_translations_keep_every_placeholder(path):
    import re

    placeholder = re.compile(r"%\(\w+\)[sd]|\{\w*\}")
    wrong = []
    for entry in polib.pofile(str(path)):
        if entry.obsolete or not entry.msgstr:
            continue
        if sorted(placeholder.findall(entry.msgid)) != sorted(placeholder.findall(entry.msgstr)):
            wrong.append(entry.msgid)
    assert wrong == []


def test_the_catalogue_holds_every_string_of_the_code_and_templates(tmp_path):
    """A string added without running scripts/messages.sh would show up in English for Dutch users."""
    import os
    import shutil
    import subprocess
    import sys

    package = Path(salesguide.__file__).parent
    copy = tmp_path / "salesguide"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__", "static", "migrations", "*.mo"))
    shutil.rmtree(copy / "locale")
    (copy / "locale").mkdir()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "salesguide.settings"}
    django_admin = Path(sys.executable).parent / "django-admin"
    subprocess.run(
        [str(django_admin), "makemessages", "-l", "nl", "--no-location"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    fresh = {e.msgid for e in polib.pofile(str(copy / "locale/nl/LC_MESSAGES/django.po"))}
    committed = {e.msgid for e in polib.pofile(str(CATALOGUES[0])) if not e.obsolete}
    assert sorted(fresh - committed) == []
