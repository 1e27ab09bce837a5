"""No import cycles between apps: the graph of module-level imports from one app of the
`wenming` package to another is acyclic, and the kernel (`core`) imports no other app, so each
app can be read, tested and moved with what it stands on and nothing that stands on it.
(Imports inside a function run later, when every module exists; they cannot make a cycle.)"""

import ast
from pathlib import Path

import wenming

PACKAGE = Path(wenming.__file__).parent
APPS = sorted(path.parent.name for path in PACKAGE.glob("*/apps.py"))


def module_level_imports(path: Path) -> set[str]:
    """The dotted names `path` imports at module level (relative ones resolved)."""
    package = ["wenming", *path.relative_to(PACKAGE).parts[:-1]]
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            names.add(".".join([*base, *([node.module] if node.module else [])]))
    return names


def app_graph() -> dict[str, dict[str, list[str]]]:
    """app → {app it imports: [the modules that do]}, tests and migrations left out."""
    graph: dict[str, dict[str, list[str]]] = {app: {} for app in APPS}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).parts
        if len(parts) < 2 or parts[0] not in graph or {"tests", "migrations"} & set(parts):
            continue
        for name in module_level_imports(path):
            bits = name.split(".")
            if len(bits) > 1 and bits[0] == "wenming" and bits[1] in graph and bits[1] != parts[0]:
                graph[parts[0]].setdefault(bits[1], []).append("/".join(parts))
    return graph


def find_cycle(graph) -> list[str]:
    """One cycle of `graph` as a path of apps ([] when there is none)."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(app) -> list[str]:
        state[app] = "open"
        stack.append(app)
        for other in graph[app]:
            if state.get(other) == "open":
                return [*stack[stack.index(other) :], other]
            if other not in state and (cycle := visit(other)):
                return cycle
        state[app] = "done"
        stack.pop()
        return []

    for app in graph:
        if app not in state and (cycle := visit(app)):
            return cycle
    return []


def test_the_apps_import_each_other_without_a_cycle():
    graph = app_graph()
    cycle = find_cycle(graph)
    where = {f"{a} → {b}": graph[a][b] for a, b in zip(cycle, cycle[1:], strict=False)}
    assert not cycle, f"import cycle {' → '.join(cycle)}: {where}"


def test_the_kernel_imports_no_other_app():
    assert app_graph()["core"] == {}


def test_the_graph_sees_relative_and_absolute_imports(tmp_path):
    """The checker itself: a cycle written with relative imports is found."""
    assert find_cycle({"a": {"b": []}, "b": {"c": []}, "c": {"a": []}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b": []}, "b": {}}) == []
    module = PACKAGE / "problems" / "services" / "_common.py"
    imports = module_level_imports(module)
    assert "wenming.problems.models" in imports  # `from ..models import …`
    assert "wenming.core.audit" in imports
