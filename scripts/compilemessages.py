"""Compile every gettext catalogue (.po → .mo) in pure Python, so no system gettext is needed."""

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def compile_all(root: Path = ROOT / "wenming") -> int:
    count = 0
    for po_path in sorted(root.glob("**/locale/*/LC_MESSAGES/*.po")):
        po = polib.pofile(str(po_path))
        mo_path = po_path.with_suffix(".mo")
        po.save_as_mofile(str(mo_path))
        count += 1
    return count


if __name__ == "__main__":
    n = compile_all()
    print(f"i18n: {n} catalogues compiled")
    sys.exit(0)
