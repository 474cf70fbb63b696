"""The English catalogue is complete, and the language switcher in the footer turns the UI into English."""

from __future__ import annotations

import ast
import gettext
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

EN_DIR = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
EN_PO = EN_DIR / "django.po"
EN_MO = EN_DIR / "django.mo"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


@dataclass
class Entry:
    msgctxt: str = ""
    msgid: str = ""
    msgid_plural: str = ""
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0


def parse_po(path: Path) -> list[Entry]:
    """A small reader for the subset of the PO format that makemessages writes (no obsolete entries)."""
    entries: list[Entry] = []
    current = Entry()
    target: tuple[str, int] | None = None

    def finish() -> None:
        nonlocal current
        if current.line:
            entries.append(current)
        current = Entry()

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            target = None
        elif line.startswith("#,"):
            if current.line and current.msgstr:  # a new entry begins without a blank line
                finish()
            current.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            assert target is not None, f"{path}:{number}: continuation line outside an entry"
            text = ast.literal_eval(line)
            kind, index = target
            if kind == "msgstr":
                current.msgstr[index] += text
            else:
                setattr(current, kind, getattr(current, kind) + text)
        else:
            keyword, _, value = line.partition(" ")
            text = ast.literal_eval(value)
            if keyword == "msgctxt":  # pgettext: the context comes first and begins the entry
                if current.msgstr:
                    finish()
                current.line = number
                current.msgctxt = text
                target = ("msgctxt", 0)
            elif keyword == "msgid":
                if current.msgstr:
                    finish()
                current.line = current.line or number
                current.msgid = text
                target = ("msgid", 0)
            elif keyword == "msgid_plural":
                current.msgid_plural = text
                target = ("msgid_plural", 0)
            elif keyword == "msgstr":
                current.msgstr[0] = text
                target = ("msgstr", 0)
            elif keyword.startswith("msgstr["):
                index = int(keyword[len("msgstr[") : -1])
                current.msgstr[index] = text
                target = ("msgstr", index)
            else:
                raise AssertionError(f"{path}:{number}: unexpected line {raw!r}")
    finish()
    return entries


@pytest.fixture(scope="module")
def catalogue() -> list[Entry]:
    assert EN_PO.exists(), "locale/en/LC_MESSAGES/django.po is missing: run makemessages -l en"
    entries = parse_po(EN_PO)
    header = [entry for entry in entries if entry.msgid == ""]
    assert len(header) == 1
    return [entry for entry in entries if entry.msgid != ""]


def test_catalogue_has_no_untranslated_or_fuzzy_entries(catalogue):
    assert len(catalogue) > 500, "the catalogue looks truncated"
    untranslated = [entry.msgid for entry in catalogue if not all(entry.msgstr.values())]
    fuzzy = [entry.msgid for entry in catalogue if "fuzzy" in entry.flags]
    assert untranslated == []
    assert fuzzy == []


def test_header_is_not_fuzzy_and_declares_english():
    head = EN_PO.read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert "#, fuzzy" not in head
    assert '"Language: en\\n"' in head


def test_translations_keep_their_placeholders(catalogue):
    wrong = []
    for entry in catalogue:
        for index, text in entry.msgstr.items():
            source = entry.msgid_plural if index and entry.msgid_plural else entry.msgid
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text)):
                wrong.append((entry.msgid, text))
    assert wrong == []


def test_translations_are_english(catalogue):
    # The msgids are Chinese; an msgstr that is still Chinese means a copy, not a translation.
    # (Import column names such as 户主 may be quoted inside an English sentence.)
    han = re.compile(r"[\u4e00-\u9fff]")
    chinese = [
        entry.msgid
        for entry in catalogue
        if any(len(han.findall(text)) > len(text) / 2 for text in entry.msgstr.values())
    ]
    assert chinese == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
def test_msgfmt_accepts_the_catalogue_and_counts_no_gaps():
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(EN_PO)],
        capture_output=True,
        text=True,
        check=False,
        env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


def test_compiled_catalogue_matches_the_po_file(catalogue):
    assert EN_MO.exists(), "locale/en/LC_MESSAGES/django.mo is missing: run compilemessages -l en"
    with EN_MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [
        entry.msgid
        for entry in catalogue
        if not entry.msgid_plural
        and (compiled.pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt else compiled.gettext(entry.msgid))
        != entry.msgstr[0]
    ]
    assert stale == [], "django.mo is out of date: run compilemessages -l en"


# --- the switcher ------------------------------------------------------------------------


def switch_to_english(client: Client) -> None:
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


@pytest.mark.django_db
def test_default_language_is_chinese(org, director, client_for):
    login_page = Client().get(reverse("login")).content.decode()
    assert "用户名" in login_page and "Username" not in login_page
    assert '<html lang="zh-CN">' in login_page

    case_list = client_for(director).get(reverse("cases:case_list"))
    assert case_list.status_code == 200
    body = case_list.content.decode()
    assert "事项台账" in body and "Case ledger" not in body


@pytest.mark.django_db
def test_switching_to_english_translates_the_login_page():
    client = Client()
    switch_to_english(client)
    body = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in body
    assert "Username" in body and "Password" in body and "Staff sign-in" in body
    assert "用户名" not in body


@pytest.mark.django_db
def test_signed_in_user_who_switches_sees_an_english_case_list(org, director, client_for):
    client = client_for(director)
    switch_to_english(client)
    response = client.get(reverse("cases:case_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="en">' in body
    assert "Case ledger" in body and "Export to Excel" in body
    assert "事项台账" not in body


@pytest.mark.django_db
def test_language_cookie_alone_selects_english(org, director, client_for):
    client = client_for(director)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(reverse("cases:case_list")).content.decode()
    assert "Case ledger" in body


# --- source and catalogue ------------------------------------------------------------------

# Top-level folders that hold no interface strings of the product (or are not ours).
NOT_SOURCE = {"locale", "tests", "static", "staticfiles", "docs", "scripts", "media", "var", "node_modules",
              "test-artifacts"}
# The names under which xgettext (as makemessages runs it) finds a marked string.
EXTRACTED_NAMES = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy", "pgettext",
                   "pgettext_lazy", "npgettext", "npgettext_lazy"}


def _source_folders() -> list[Path]:
    base = Path(settings.BASE_DIR)
    return sorted(
        path for path in base.iterdir()
        if path.is_dir() and not path.name.startswith(".") and path.name not in NOT_SOURCE
    )


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext's xgettext is not installed")
def test_every_marked_string_of_the_source_is_translated_in_the_catalogue(catalogue, tmp_path):
    """makemessages, run into a temporary folder over the source, finds no msgid the catalogue lacks."""
    import os

    from django.core.management import call_command
    from django.test import override_settings

    for folder in _source_folders():
        (tmp_path / folder.name).symlink_to(folder, target_is_directory=True)
    here = os.getcwd()
    try:
        os.chdir(tmp_path)
        with override_settings(LOCALE_PATHS=[str(tmp_path / "locale")]):
            call_command("makemessages", locale=["en"], symlinks=True, no_location=True, verbosity=0)
    finally:
        os.chdir(here)
    extracted = [entry for entry in parse_po(tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po") if entry.msgid]
    assert len(extracted) > 500, "makemessages found suspiciously few strings"
    translated = {entry.msgid for entry in catalogue if all(entry.msgstr.values())}
    missing = sorted({entry.msgid for entry in extracted} - translated)
    assert missing == [], (
        f"{len(missing)} marked strings have no English translation; append them to locale/en/LC_MESSAGES/django.po "
        f"by hand (msgid / msgstr): {missing}"
    )


def _marked_inside_f_strings(tree: ast.AST) -> list[int]:
    """Lines where a gettext call sits inside an f-string, where xgettext does not look."""
    return [
        call.lineno
        for node in ast.walk(tree) if isinstance(node, ast.FormattedValue)
        for call in ast.walk(node.value)
        if isinstance(call, ast.Call) and getattr(call.func, "id", None) in EXTRACTED_NAMES
    ]


def test_strings_are_marked_where_makemessages_finds_them():
    """`gettext_lazy as _l`, or `_()` inside an f-string, hides a string from makemessages (and the test above)."""
    hidden = []
    for folder in _source_folders():
        for path in folder.rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            hidden += [f"{path.relative_to(settings.BASE_DIR)}:{line}: inside an f-string"
                       for line in _marked_inside_f_strings(tree)]
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
                    hidden += [
                        f"{path.relative_to(settings.BASE_DIR)}: {alias.name} as {alias.asname}"
                        for alias in node.names
                        if alias.name in EXTRACTED_NAMES and alias.asname and alias.asname not in EXTRACTED_NAMES
                    ]
    assert hidden == []
