"""Both languages are complete: no untranslated or fuzzy entry, no string missing from a catalogue."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

PACKAGE = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(PACKAGE.glob("*/locale/zh_Hans/LC_MESSAGES/django.po"))


def test_every_app_with_strings_has_a_catalogue():
    apps = {p.parents[3].name for p in CATALOGUES}
    assert {"core", "org"} <= apps


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.parents[3].name)
def test_catalogue_is_fully_translated(po_path):
    po = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"untranslated in {po_path}: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy in {po_path}: {fuzzy[:10]}"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs xgettext to re-extract")
@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.parents[3].name)
def test_catalogue_covers_every_string_in_the_code(po_path, tmp_path):
    """Re-extract the app's strings into a copy and check that nothing new appears."""
    app_dir = po_path.parents[3]
    copy = tmp_path / app_dir.name
    shutil.copytree(app_dir, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    subprocess.run(
        [sys.executable, "-P", "-m", "django", "makemessages", "-l", "zh_Hans", "--no-obsolete",
         "--no-location"],
        cwd=copy, check=True, capture_output=True,
        env={"DJANGO_SETTINGS_MODULE": "wenming.settings", "PATH": "/usr/bin:/bin",
             "PYTHONPATH": str(PACKAGE.parent)},
    )
    # With the context: a pgettext use whose msgctxt entry is missing would fall back to
    # another app's plain translation (or to English).
    fresh = {
        (e.msgctxt, e.msgid)
        for e in polib.pofile(str(copy / "locale/zh_Hans/LC_MESSAGES/django.po"))
    }
    known = {(e.msgctxt, e.msgid) for e in polib.pofile(str(po_path))}
    missing = sorted(fresh - known, key=str)
    assert not missing, f"{app_dir.name}: strings missing from the catalogue: {missing[:10]}"


def test_compiled_catalogues_match_their_sources():
    for po_path in CATALOGUES:
        mo_path = po_path.with_suffix(".mo")
        assert mo_path.exists(), f"{mo_path} missing: run scripts/compilemessages.py"
        mo = polib.mofile(str(mo_path))
        po = polib.pofile(str(po_path))
        assert {e.msgid for e in mo} >= {e.msgid for e in po.translated_entries()}


def test_home_renders_in_chinese_by_default_and_english_on_switch(cast, page_as):
    client = page_as(cast.zhongshan)
    zh = client.get("/", headers={"Accept-Language": "en-US,en"}).content.decode()
    assert "退出登录" in zh and 'lang="zh-Hans"' in zh
    switched = client.post("/language/", {"language": "en", "next": "/"})
    assert switched.status_code == 302 and switched.url == "/"
    en = client.get("/").content.decode()
    assert "Sign out" in en and 'lang="en"' in en and "退出登录" not in en
    client.post("/language/", {"language": "zh-hans", "next": "/"})
    assert "退出登录" in client.get("/").content.decode()


def test_language_switch_refuses_foreign_redirects(cast, page_as):
    response = page_as(cast.office).post("/language/", {"language": "en",
                                                         "next": "https://evil.example/"})
    assert response.url == "/"
