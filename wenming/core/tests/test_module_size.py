"""No product module over 800 lines (architecture.md: a module that grows becomes a package).

Migrations and tests are not product modules; everything else under `wenming/` is.
"""

from pathlib import Path

import wenming

LIMIT = 800
PACKAGE = Path(wenming.__file__).parent


def product_modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if "migrations" in parts or "tests" in parts or path.name == "conftest.py":
            continue
        yield path


def test_no_product_module_is_over_800_lines():
    too_long = {}
    for path in product_modules():
        with path.open(encoding="utf-8") as f:
            lines = sum(1 for _line in f)
        if lines > LIMIT:
            too_long[str(path.relative_to(PACKAGE))] = lines
    assert not too_long, f"split these by concern (over {LIMIT} lines): {too_long}"


def test_the_size_check_sees_the_product():
    """The walk above reads the real package (so an empty walk cannot pass vacuously)."""
    names = {str(p.relative_to(PACKAGE)) for p in product_modules()}
    assert "problems/lifecycle.py" in names
    assert "problems/demo/__init__.py" in names
    assert not any("/tests/" in f"/{n}" or "migrations" in n for n in names)
