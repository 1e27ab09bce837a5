"""Every app's zh-Hans translation is the one shown at run time.

Django merges the catalogues of all installed apps into one; for a msgid (with the same
msgctxt) that two catalogues translate differently, the app listed earlier in INSTALLED_APPS
(django.contrib.admin and auth come first) wins, silently. So a survey's status "Closed"
(已结束) was shown as 结案时间 (a problems date column), "Points" (点位数) as 分值, and so on.
This test fails on any such conflict. The fix is never to reorder the apps: either the two
catalogues agree (same meaning: take one term), or the uses differ by meaning and each gets
a context (`pgettext("<context>", "Closed")`, `{% translate "Closed" context "<context>" %}`,
`pgettext_lazy` in models) with a `msgctxt` entry in its app's catalogue. A context is global
too: the same (msgctxt, msgid) must not be translated differently by two apps either.
"""

from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.utils import translation
from django.utils.translation import gettext, ngettext, npgettext, pgettext

LANGUAGE = "zh-hans"


def _catalogues():
    found = []
    for config in apps.get_app_configs():
        po_path = Path(config.path) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
        if config.name.startswith("wenming.") and po_path.exists():
            found.append((config.label, po_path))
    return found


CATALOGUES = _catalogues()


def _shown(entry: polib.POEntry) -> str:
    if entry.msgid_plural:
        if entry.msgctxt:
            return npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 1)
        return ngettext(entry.msgid, entry.msgid_plural, 1)
    if entry.msgctxt:
        return pgettext(entry.msgctxt, entry.msgid)
    return gettext(entry.msgid)


def _own(entry: polib.POEntry) -> str:
    if entry.msgid_plural:
        return entry.msgstr_plural.get(0, "")
    return entry.msgstr


def _winners(msgctxt, msgid, shown):
    """The catalogues that hold this translation (to name the app that overrides)."""
    names = []
    for label, po_path in CATALOGUES:
        for entry in polib.pofile(str(po_path)):
            if entry.msgctxt == msgctxt and entry.msgid == msgid and _own(entry) == shown:
                names.append(label)
    return names or ["a Django catalogue"]


def test_the_project_apps_have_catalogues():
    assert {"core", "problems", "surveys"} <= {label for label, _ in CATALOGUES}


@pytest.mark.parametrize("label,po_path", CATALOGUES, ids=[label for label, _ in CATALOGUES])
def test_every_own_translation_is_the_one_shown(label, po_path):
    conflicts = []
    with translation.override(LANGUAGE):
        for entry in polib.pofile(str(po_path)):
            own = _own(entry)
            if entry.obsolete or not own or "fuzzy" in entry.flags:
                continue
            shown = _shown(entry)
            if shown != own:
                conflicts.append((entry.msgctxt, entry.msgid, own, shown))
    lines = [
        f"{ctx + '|' if ctx else ''}{msgid!r}: {label} says {own!r}, shown {shown!r} "
        f"(from {', '.join(_winners(ctx, msgid, shown))})"
        for ctx, msgid, own, shown in conflicts
    ]
    assert not conflicts, (
        f"{label}: {len(conflicts)} translation(s) overridden by another app's catalogue "
        "(make the catalogues agree, or give the use a context):\n" + "\n".join(lines)
    )


def test_the_check_sees_a_conflict():
    """The runtime lookup is the merged one: an earlier app's entry hides a later app's."""
    with translation.override(LANGUAGE):
        # Django admin (first in INSTALLED_APPS) translates "Filter" as a noun; the buttons
        # carry the context "button" so they read 筛选.
        assert gettext("Filter") == "过滤器"
        assert pgettext("button", "Filter") == "筛选"
        # A survey's status and a problem's date column are two different "Closed".
        assert gettext("Closed") == "已结束"
        assert pgettext("ledger column", "Closed") == "结案时间"
