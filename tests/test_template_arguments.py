"""A filter's argument must not look up through an object that may be missing.

Django forgives a missing object in the variable a tag prints (`{{ a.b.c }}` prints nothing),
but not in a filter's argument: `{{ x|default:a.b.c }}` raises VariableDoesNotExist when `a.b`
is None, and the page answers 500. The problem page did, for a citizen's report with no
account behind it (`default:problem.reported_by.display_name`). Print the object itself
(`default:problem.reported_by`, whose `__str__` names it) or test it with `{% if %}`.
"""

import re
from pathlib import Path

import wenming

DEEP_ARGUMENT = re.compile(r"\|\w+:(?!_\()[A-Za-z_]\w*\.\w+\.\w+")


def test_no_filter_argument_looks_up_through_an_object():
    found = [
        f"{path.relative_to(Path(wenming.__file__).parent)}:{number}: {match.group(0)}"
        for path in Path(wenming.__file__).parent.rglob("templates/**/*.html")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for match in DEEP_ARGUMENT.finditer(line)
    ]
    assert not found, "\n".join(found)
