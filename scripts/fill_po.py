"""Fill msgstr entries of a catalogue from a JSON {msgid: msgstr} file (a translator's helper).

Usage: python scripts/fill_po.py wenming/<app>/locale/zh_Hans/LC_MESSAGES/django.po translations.json
Prints the msgids still untranslated afterwards.
"""

import json
import sys

import polib


def main(po_path: str, json_path: str) -> int:
    po = polib.pofile(po_path)
    with open(json_path, encoding="utf-8") as handle:
        table = json.load(handle)
    for entry in po:
        if entry.msgid in table:
            value = table[entry.msgid]
            if entry.msgid_plural:
                entry.msgstr_plural = {0: value}
            else:
                entry.msgstr = value
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    po.metadata["Language"] = "zh_Hans"
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    po.save()
    left = [e.msgid for e in po.untranslated_entries()]
    for msgid in left:
        print(f"untranslated: {msgid!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
