"""The sheets and their columns, with headers in both languages."""

from dataclasses import dataclass

from django.utils.translation import override, pgettext_lazy

from ..models import (
    NegativeDomain,
    Observation,
    Penalty,
    PointGroup,
    Scoring,
    SystemKind,
    SystemLevel,
    SystemStatus,
)

LANGUAGES = ("zh-hans", "en")
LIST_SEPARATORS = (",", "，", ";", "；", "、", "/")


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # lazy translation
    kind: str = "str"  # str, int, decimal, float, bool, list, methods, or a choices class
    required: bool = False
    choices: type | None = None


@dataclass(frozen=True)
class Sheet:
    key: str
    title: object
    columns: tuple[Column, ...]
    # An optional sheet may be left out: workbooks from before it existed still import.
    optional: bool = False


# The clause level (IV) of the standards sheet; see workbook/clauses.py. Optional: a
# three-level workbook (none of these filled) still imports, one clause per content line.
CLAUSE_COLUMNS = (
    Column("clause_number", pgettext_lazy("workbook", "Clause number"), "int"),
    Column("clause_text", pgettext_lazy("workbook", "Clause text")),
    Column("clause_points", pgettext_lazy("workbook", "Clause points"), "decimal"),
    Column("points_material", pgettext_lazy("workbook", "Material review points"), "decimal"),
    Column("points_field", pgettext_lazy("workbook", "Field inspection points"), "decimal"),
    Column("points_questionnaire", pgettext_lazy("workbook", "Questionnaire points"), "decimal"),
    Column("clause_lead_unit", pgettext_lazy("workbook", "Clause lead unit code")),
    Column("clause_co_units", pgettext_lazy("workbook", "Clause supporting unit codes"), "list"),
    Column("clause_notes", pgettext_lazy("workbook", "Clause notes")),
)

SHEETS = (
    Sheet(
        "system",
        pgettext_lazy("workbook", "Evaluation system"),
        (
            Column("code", pgettext_lazy("workbook", "Code"), required=True),
            Column("name", pgettext_lazy("workbook", "Name"), required=True),
            Column("edition_year", pgettext_lazy("workbook", "Edition year"), "int", required=True),
            Column(
                "level",
                pgettext_lazy("workbook", "Level"),
                "choice",
                required=True,
                choices=SystemLevel,
            ),
            Column(
                "status",
                pgettext_lazy("workbook", "Status"),
                "choice",
                required=True,
                choices=SystemStatus,
            ),
            Column(
                "weight_material",
                pgettext_lazy("workbook", "Material review weight"),
                "decimal",
                required=True,
            ),
            Column(
                "weight_field",
                pgettext_lazy("workbook", "Field inspection weight"),
                "decimal",
                required=True,
            ),
            Column(
                "weight_questionnaire",
                pgettext_lazy("workbook", "Questionnaire weight"),
                "decimal",
                required=True,
            ),
            Column("description", pgettext_lazy("workbook", "Description")),
            Column("kind", pgettext_lazy("workbook", "Kind"), "choice", choices=SystemKind),
            Column("threshold", pgettext_lazy("workbook", "Threshold"), "decimal"),
            Column("prerequisite", pgettext_lazy("workbook", "Prerequisite system code")),
        ),
    ),
    Sheet(
        "items",
        pgettext_lazy("workbook", "Items"),
        (
            Column("code", pgettext_lazy("workbook", "Code"), required=True),
            Column("name", pgettext_lazy("workbook", "Name"), required=True),
            Column("description", pgettext_lazy("workbook", "Description")),
        ),
    ),
    Sheet(
        "indicators",
        pgettext_lazy("workbook", "Indicators"),
        (
            Column("code", pgettext_lazy("workbook", "Code"), required=True),
            Column("item_code", pgettext_lazy("workbook", "Item code"), required=True),
            Column("name", pgettext_lazy("workbook", "Name"), required=True),
            Column("description", pgettext_lazy("workbook", "Description")),
        ),
    ),
    Sheet(
        "standards",
        pgettext_lazy("workbook", "Standards"),
        (
            Column("code", pgettext_lazy("workbook", "Code"), required=True),
            Column("indicator_code", pgettext_lazy("workbook", "Indicator code"), required=True),
            Column("text", pgettext_lazy("workbook", "Standard text"), required=True),
            Column("points", pgettext_lazy("workbook", "Points"), "decimal", required=True),
            Column("methods", pgettext_lazy("workbook", "Methods"), "methods", required=True),
            Column("is_hard", pgettext_lazy("workbook", "Hard requirement"), "bool"),
            Column("lead_unit", pgettext_lazy("workbook", "Lead unit code")),
            Column("co_units", pgettext_lazy("workbook", "Supporting unit codes"), "list"),
            Column("notes", pgettext_lazy("workbook", "Notes")),
            *CLAUSE_COLUMNS,
        ),
    ),
    Sheet(
        "negative",
        pgettext_lazy("workbook", "Negative list"),
        (
            Column("code", pgettext_lazy("workbook", "Code"), required=True),
            Column("text", pgettext_lazy("workbook", "Text"), required=True),
            # The grade-1 effect; the effects sheet, when it lists the entry, gives them all.
            Column("penalty", pgettext_lazy("workbook", "Penalty"), "choice", choices=Penalty),
            Column("deduction", pgettext_lazy("workbook", "Points deducted"), "decimal"),
            Column("notes", pgettext_lazy("workbook", "Notes")),
            Column("domain", pgettext_lazy("workbook", "Domain"), "choice", choices=NegativeDomain),
            Column("is_veto", pgettext_lazy("workbook", "Veto"), "bool"),
        ),
    ),
    Sheet(
        "negative_effects",
        pgettext_lazy("workbook", "Negative-list effects"),
        (
            Column("entry_code", pgettext_lazy("workbook", "Entry code"), required=True),
            Column("grade", pgettext_lazy("workbook", "Grade"), "int", required=True),
            Column("condition", pgettext_lazy("workbook", "Condition")),
            Column(
                "effect",
                pgettext_lazy("workbook", "Effect"),
                "choice",
                required=True,
                choices=Penalty,
            ),
            Column("deduction", pgettext_lazy("workbook", "Points deducted"), "decimal"),
        ),
        optional=True,
    ),
    Sheet(
        "point_types",
        pgettext_lazy("workbook", "Point types"),
        (
            Column("code", pgettext_lazy("workbook", "Code"), required=True),
            Column("name", pgettext_lazy("workbook", "Name"), required=True),
            Column("name_en", pgettext_lazy("workbook", "English name")),
            Column(
                "group",
                pgettext_lazy("workbook", "Group"),
                "choice",
                required=True,
                choices=PointGroup,
            ),
            Column(
                "sampling_weight",
                pgettext_lazy("workbook", "Sampling weight"),
                "decimal",
                required=True,
            ),
            Column("description", pgettext_lazy("workbook", "Description")),
            Column("is_active", pgettext_lazy("workbook", "Active"), "bool"),
            Column("is_virtual", pgettext_lazy("workbook", "Virtual"), "bool"),
        ),
    ),
    Sheet(
        "checklist",
        pgettext_lazy("workbook", "Checklist items"),
        (
            Column("code", pgettext_lazy("workbook", "Code"), required=True),
            Column("point_type_code", pgettext_lazy("workbook", "Point type code"), required=True),
            Column("standard_code", pgettext_lazy("workbook", "Standard code"), required=True),
            Column("text", pgettext_lazy("workbook", "Check"), required=True),
            Column(
                "deduction",
                pgettext_lazy("workbook", "Deduction on failure"),
                "decimal",
                required=True,
            ),
            Column(
                "photo_required", pgettext_lazy("workbook", "Photo required on failure"), "bool"
            ),
            Column("default_category_code", pgettext_lazy("workbook", "Default problem category")),
            Column(
                "deadline_days",
                pgettext_lazy("workbook", "Deadline (working days)"),
                "int",
                required=True,
            ),
            Column("clause_code", pgettext_lazy("workbook", "Clause code")),
            Column(
                "observation",
                pgettext_lazy("workbook", "Observation method"),
                "choice",
                choices=Observation,
            ),
            Column("scoring", pgettext_lazy("workbook", "Scoring"), "choice", choices=Scoring),
            Column("sample_route_m", pgettext_lazy("workbook", "Route length (m)"), "int"),
            Column(
                "sample_spacing_m",
                pgettext_lazy("workbook", "Spacing counted as one place (m)"),
                "int",
            ),
            Column(
                "sample_minutes", pgettext_lazy("workbook", "Observation window (minutes)"), "int"
            ),
            Column("sample_count", pgettext_lazy("workbook", "Number of observations"), "int"),
            Column("sampling_note", pgettext_lazy("workbook", "Sampling rule")),
        ),
    ),
    Sheet(
        "points",
        pgettext_lazy("workbook", "Assessment points"),
        (
            Column("code", pgettext_lazy("workbook", "Code"), required=True),
            Column("name", pgettext_lazy("workbook", "Name"), required=True),
            Column("point_type_code", pgettext_lazy("workbook", "Point type code"), required=True),
            Column("region_code", pgettext_lazy("workbook", "Region code"), required=True),
            Column(
                "responsible_units", pgettext_lazy("workbook", "Responsible unit codes"), "list"
            ),
            Column("address", pgettext_lazy("workbook", "Address")),
            Column("lat", pgettext_lazy("workbook", "Latitude (WGS-84)"), "float", required=True),
            Column("lon", pgettext_lazy("workbook", "Longitude (WGS-84)"), "float", required=True),
            Column("is_active", pgettext_lazy("workbook", "Active"), "bool"),
            Column("notes", pgettext_lazy("workbook", "Notes")),
        ),
    ),
)
SHEET_BY_KEY = {s.key: s for s in SHEETS}


def _norm(text) -> str:
    return "".join(str(text or "").split()).casefold()


def _in_all_languages(label) -> set[str]:
    names = set()
    for language in LANGUAGES:
        with override(language):
            names.add(_norm(str(label)))
    return names


def sheet_title(key: str) -> str:
    return str(SHEET_BY_KEY[key].title) if key in SHEET_BY_KEY else key
