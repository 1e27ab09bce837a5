"""Check that a built wheel carries what an offline install needs: the vendored front-end files
(scripts/vendor.py), a compiled .mo beside every translation catalogue, the templates and the
apps' own static files. `make dist` runs it, so a packaging glob that misses them fails there."""

import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from vendor import FILES  # noqa: E402 — scripts/ is not a package


def missing_from(names: set[str]) -> list[str]:
    package = ROOT / "wenming"
    wanted = []
    for dest in FILES.values():
        source = package / "static" / "vendor" / dest
        if source.is_dir():
            wanted += [p for p in source.rglob("*") if p.is_file()]
        else:
            wanted.append(source)
    for po in package.glob("**/locale/*/LC_MESSAGES/*.po"):
        wanted += [po, po.with_suffix(".mo")]
    for pattern in (
        "*/templates/**/*.html",
        "templates/**/*.html",
        "*/static/**/*.js",
        "*/static/**/*.css",
    ):
        wanted += [p for p in package.glob(pattern) if "vendor" not in p.parts]
    return sorted({str(p.relative_to(ROOT)) for p in wanted} - names)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: check_wheel.py dist/wenming-VERSION-py3-none-any.whl", file=sys.stderr)
        return 2
    with zipfile.ZipFile(argv[0]) as wheel:
        names = set(wheel.namelist())
    missing = missing_from(names)
    if missing:
        print(
            f"{argv[0]} lacks {len(missing)} files, e.g.:",
            *missing[:10],
            sep="\n  ",
            file=sys.stderr,
        )
        return 1
    vendor = sum(1 for n in names if n.startswith("wenming/static/vendor/"))
    mo = sum(1 for n in names if n.endswith(".mo"))
    print(f"dist: {argv[0]} carries {vendor} vendored front-end files and {mo} compiled catalogues")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
