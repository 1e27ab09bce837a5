"""Every action the code writes to the audit log reads in words on the activity page, in both
languages: its app gave it a label, its details have names, its values read as the choices'
labels, and its target names itself.

The actions are read from the source: every `audit_record(action=…)` (and the problem
timeline's `audit_record_many`), following a code built from a parameter (`f"creation.{action}"`)
back to the constants its callers pass. Where a caller passes what a request said, the service
accepts only the values of its own table of moves (`ACCEPTS`), which stand for the request.
"""

import ast
import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

import wenming
from wenming.core import activity
from wenming.core.audit import audit_record

PACKAGE = Path(wenming.__file__).parent


def _accepts() -> dict:
    """(service, parameter or expression) → the values it accepts from a request."""
    from wenming.creation import lifecycle as creation
    from wenming.inspections import lifecycle as inspections
    from wenming.materials import lifecycle as materials
    from wenming.plans.models import Action, OrderAction
    from wenming.problems.models import EventKind
    from wenming.surveys.services import TRANSITIONS

    return {
        ("application_transition", "action"): creation.ACTIONS,
        ("visit_review", "decision"): inspections.REVIEWS,
        ("submission_review", "decision"): (materials.SCORE, materials.RETURN),
        ("supervision_order_transition", "action"): OrderAction.values,
        ("task_transition", "action"): Action.values,
        ("survey_transition", "action"): [action for _status, action in TRANSITIONS],
        ("_audit_of", "event.action"): EventKind.values,
    }


class Unresolved(Exception):
    pass


class Module:
    """One source module of the package, parsed, with each node's parent."""

    def __init__(self, path: Path):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        self.app = parts[0]
        self.name = ".".join(("wenming", *parts)).removesuffix(".__init__")
        self.tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(self.tree):
            for child in ast.iter_child_nodes(node):
                child.parent = node

    def constant(self, expr) -> str:
        """A module-level name or attribute (`lifecycle.OPEN`, `A.ISSUE`) as the module sees it."""
        try:
            namespace = vars(importlib.import_module(self.name))
            return str(eval(ast.unparse(expr), namespace))  # noqa: S307 (our own source)
        except Exception as exc:
            raise Unresolved(f"{self.name}: {ast.unparse(expr)}") from exc


class Scanner:
    """The action codes the package's source writes to the audit log."""

    def __init__(self):
        self.accepts = _accepts()
        self.unresolved: list[str] = []
        self.modules = [
            Module(path)
            for path in sorted(PACKAGE.rglob("*.py"))
            if not {"tests", "migrations"} & set(path.relative_to(PACKAGE).parts)
        ]

    def codes(self) -> set[str]:
        found: set[str] = set()
        for module, expr in self._writes():
            try:
                found |= self._values(module, expr, 0)
            except Unresolved as exc:
                self.unresolved.append(str(exc))
        return found

    def _writes(self):
        """(module, expression) of each action an audit call writes."""
        for module in self.modules:
            for node in ast.walk(module.tree):
                if isinstance(node, ast.Call) and _called(node) == "audit_record":
                    yield from ((module, kw.value) for kw in node.keywords if kw.arg == "action")
                elif isinstance(node, ast.Dict) and _in_function(node, prefix="_audit"):
                    for key, value in zip(node.keys, node.values, strict=True):
                        if isinstance(key, ast.Constant) and key.value == "action":
                            yield module, value

    def _values(self, module, expr, depth) -> set[str]:
        if depth > 6:
            raise Unresolved(f"{module.name}: {ast.unparse(expr)} (too deep)")
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return {expr.value}
        if isinstance(expr, ast.IfExp):
            return self._values(module, expr.body, depth) | self._values(module, expr.orelse, depth)
        if isinstance(expr, ast.JoinedStr):
            found = {""}
            for part in expr.values:
                inner = (
                    {part.value}
                    if isinstance(part, ast.Constant)
                    else self._values(module, part.value, depth)
                )
                found = {head + tail for head in found for tail in inner}
            return found
        function = _in_function(expr)
        accepted = self.accepts.get((getattr(function, "name", ""), ast.unparse(expr)))
        if accepted is not None:
            return set(accepted)
        if isinstance(expr, ast.Name) and function is not None:
            return self._name(module, function, expr, depth)
        return {module.constant(expr)}

    def _name(self, module, function, expr: ast.Name, depth) -> set[str]:
        assigned = [
            node.value
            for node in ast.walk(function)
            if isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == expr.id for t in node.targets)
        ]
        if assigned:
            return set().union(*(self._values(module, v, depth + 1) for v in assigned))
        if expr.id in _parameters(function):
            return self._from_callers(module, function, expr.id, depth)
        return {module.constant(expr)}

    def _from_callers(self, module, function, parameter: str, depth) -> set[str]:
        """What the callers pass for `parameter` (a private function's: in its own app)."""
        positional = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
        found: set[str] = set()
        for caller in self.modules:
            if function.name.startswith("_") and caller.app != module.app:
                continue
            for call in ast.walk(caller.tree):
                if not isinstance(call, ast.Call) or _called(call) != function.name:
                    continue
                arg = _argument(call, parameter, positional)
                if arg is None:
                    continue
                try:
                    found |= self._values(caller, arg, depth + 1)
                except Unresolved as exc:
                    accepted = self.accepts.get((function.name, parameter))
                    if accepted is None:
                        self.unresolved.append(str(exc))
                    else:  # what a request asked for: the service takes only these
                        found |= set(accepted)
        return found


def _called(call: ast.Call) -> str:
    return getattr(call.func, "id", "") or getattr(call.func, "attr", "")


def _in_function(node, prefix: str = ""):
    while node is not None and not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        node = getattr(node, "parent", None)
    return node if node is not None and node.name.startswith(prefix) else None


def _parameters(function) -> list[str]:
    args = function.args
    return [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]


def _argument(call: ast.Call, parameter: str, positional: list[str]):
    for keyword in call.keywords:
        if keyword.arg == parameter:
            return keyword.value
    if parameter in positional and positional.index(parameter) < len(call.args):
        return call.args[positional.index(parameter)]
    return None


@pytest.fixture(scope="module")
def written():
    scanner = Scanner()
    codes = scanner.codes()
    assert not scanner.unresolved, f"actions the scan cannot follow: {scanner.unresolved}"
    return codes


def test_the_scan_finds_the_actions_of_every_app(written):
    # Constants, codes built by a family's writer, and moves a request chooses.
    assert {"auth.login", "standards.system.clone", "scoring.ladder_step"} <= written
    assert {"creation.region_pass", "creation.reject", "plans.task_milestone_done"} <= written
    assert {
        "inspections.visit_has_issues",
        "supervision_order.return",
        "problem.verify_fail",
    } <= written
    assert len(written) > 150


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_action_the_code_writes_has_its_apps_label(written, language):
    with translation.override(language):
        unnamed = sorted(code for code in written if activity.registered_label(code) is None)
        labels = {code: activity.action_label(code) for code in written}
    assert not unnamed, f"actions without a label registered by their app: {unnamed}"
    assert all(label != code for code, label in labels.items())


def test_the_filter_and_the_table_show_words_for_every_action(db, cast, page_as, written):
    for code in sorted(written):
        audit_record(action=code, actor=cast.office, data={})
    for language in ("zh-hans", "en"):
        client = page_as(cast.office)
        client.cookies["wenming_language"] = language
        html = client.get("/activity/", {"action": "creation.region_pass"}).content.decode()
        options = html.split('name="action"', 1)[1].split("</select>", 1)[0]
        shown = set(_option_texts(options))
        assert not shown & written, f"{language}: codes in the filter: {sorted(shown & written)}"
        cell = html.split('title="creation.region_pass">', 1)[1].split("</td>", 1)[0]
        assert cell and cell != "creation.region_pass"


def _option_texts(select: str) -> list[str]:
    return [part.split(">", 1)[1].split("<", 1)[0] for part in select.split("<option")[1:]]


# --- details ------------------------------------------------------------------------------------

# (action, details as services write them): the keys and values the review found raw.
ENTRIES = [
    (
        "creation.apply",
        {"entry": 1780, "to": "submitted", "level": "county", "self_score": "88.70"},
    ),
    ("creation.approve", {"from": "notice", "to": "approved", "valid_until": "2029-12-13"}),
    ("creation.warn", {"from": "approved", "to": "warned"}),
    ("creation.revoke", {"from": "warned", "to": "revoked"}),
    ("creation.withdraw", {"from": "submitted", "to": "withdrawn"}),
    ("creation.region_pass", {"from": "submitted", "to": "region_passed", "score": "87.30"}),
    ("creation.object", {"from": "notice", "to": "notice", "objection": 7}),
    (
        "scoring.ladder_step",
        {"month": "2026-11", "tier": "member_unit", "streak": 1, "step": "talk"},
    ),
    ("scoring.ladder_step", {"tier": "district", "step": "accountability"}),
    ("scoring.snapshot_computed", {"month": "2026-11", "version": 1, "subjects": 1058}),
    ("scoring.questionnaire_figure_set", {"standard": "1.5.3", "rate": "0.80", "respondents": 400}),
    ("scoring.annual_result_set", {"year": 2025, "score": "82.3"}),
    ("scoring.compliance_event_recorded", {"entry": "N01", "veto": False, "effect": "deduct"}),
    ("scoring.compliance_event_recorded", {"on": "2026-10-24"}),
    ("standards.system.clone", {"from": "DEMO-2026", "clauses": 136}),
    ("exposure.publish", {"problem": "WM2026-014088", "title": "百合5号巷墙面乱贴小广告"}),
    ("demo.load", {"scale": "small", "reset": False}),
    ("surveys.question_added", {"survey": "S-1", "question": 12, "kind": "text"}),
    ("inspections.round_create", {"round": "R-1", "kind": "supervision", "seed": 1}),
    ("plans.task_start", {"from": "not_started", "to": "in_progress"}),
    ("supervision_order.close", {"from": "responded", "to": "closed"}),
]
RAW = {
    "submitted",
    "notice",
    "approved",
    "warned",
    "revoked",
    "withdrawn",
    "region_passed",
    "county",
    "member_unit",
    "district",
    "talk",
    "accountability",
    "deduct",
    "small",
    "text",
    "supervision",
    "not_started",
    "in_progress",
    "responded",
    "closed",
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(("action", "data"), ENTRIES, ids=[a for a, _d in ENTRIES])
def test_details_read_in_words(language, action, data):
    with translation.override(language):
        pairs = activity.details(action, data)
    labels = [label for label, _value in pairs]
    assert not set(labels) & set(data), f"keys shown as written: {set(labels) & set(data)}"
    if language == "zh-hans":  # in English a label may be the code's own word ("small")
        assert not {value for _label, value in pairs} & RAW


@pytest.mark.parametrize(
    ("action", "key", "value"),
    [
        ("creation.apply", "entry", 1780),
        ("creation.object", "objection", 7),
        ("surveys.question_added", "question", 12),
        ("inspections.round_create", "round", "R-1"),
    ],
)
def test_ids_the_target_already_names_are_left_out(action, key, value):
    assert activity.details(action, {key: value}) == []


def test_a_status_change_reads_as_the_statuses_labels():
    with translation.override("zh-hans"):
        pairs = dict(activity.details("creation.warn", {"from": "approved", "to": "warned"}))
    assert pairs == {"原状态": "已命名", "新状态": "已警示"}
    with translation.override("en"):
        pairs = dict(
            activity.details("scoring.ladder_step", {"tier": "member_unit", "step": "talk"})
        )
    assert pairs == {
        "Ranking group": "Member units",
        "Escalation step": "Talk with a city leader (约谈)",
    }


# --- targets ------------------------------------------------------------------------------------

# Tables nobody reads one row of: counters, caches, reminders already sent, the chain's head.
INTERNAL = {
    "core.AuditHead",
    "core.IdempotencyRecord",
    "problems.ProblemCounter",
    "plans.TaskReminder",
    "plans.SupervisionReminder",
    "dashboards.AggregateMark",
    "dashboards.BigScreenPayload",
    "dashboards.EventGap",
    "dashboards.ProblemFact",
    "dashboards.StatusCount",
    "dashboards.RegionDay",
    "dashboards.UnitDay",
}


def test_every_model_names_itself():
    """An audit entry's target reads as its `__str__` (or its app's `describe`), never as
    Django's "EscalationStep object (26)"."""
    unnamed = sorted(
        model._meta.label
        for model in apps.get_models()
        if model.__module__.startswith("wenming.")
        and model._meta.label not in INTERNAL
        and model.__str__ is models.Model.__str__
    )
    assert not unnamed, f"models without a __str__ of their own: {unnamed}"


def test_a_change_names_each_field_by_its_models_name():
    with translation.override("zh-hans"):
        pairs = activity.details(
            "standards.standard.update", {"changes": {"indicator": [1, 2], "text": ["a", "b"]}}
        )
    assert pairs == [("修改内容", "测评指标：1 → 2；内容：a → b")]
