"""A whole evaluation system as plain data, and the checks it must pass before it is written.

The Excel import parses a workbook into a `WorkbookSpec`; the demo builds one in code. Both
go through `spec_validate` and then `services.system_load`, so there is one path that writes
a system in bulk. Every spec row remembers where it came from (`loc`), so an error can name
the sheet, row and column.
"""

from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.utils.translation import gettext as _

from .clause_checks import check_clauses
from .models import (
    METHOD_ORDER,
    EvaluationSystem,
    NegativeDomain,
    Observation,
    Penalty,
    PointGroup,
    PointType,
    Scoring,
    SystemKind,
    SystemLevel,
    SystemStatus,
)

# The mainland's bounding box (WGS-84), generous by a few kilometres; a point outside it is
# a typing error (swapped lat/lon, a missing digit) rather than a place in the city.
CHINA_LAT = (3.8, 53.6)
CHINA_LON = (73.4, 135.1)
MAX_POINTS = Decimal("100")


@dataclass(frozen=True)
class Loc:
    sheet: str  # sheet key ("standards"), translated when reported
    row: int | None = None  # 1-based spreadsheet row
    columns: dict = field(default_factory=dict, compare=False)  # field → column letter


@dataclass
class Problem:
    """One reason a workbook (or spec) cannot be loaded."""

    sheet: str
    row: int | None
    column: str | None
    message: str

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class SystemSpec:
    code: str
    name: str
    edition_year: int
    level: str = SystemLevel.PREFECTURE
    status: str = SystemStatus.DRAFT
    weight_material: Decimal = Decimal("40")
    weight_field: Decimal = Decimal("40")
    weight_questionnaire: Decimal = Decimal("20")
    description: str = ""
    loc: Loc | None = None
    kind: str = SystemKind.MAIN
    threshold: Decimal | None = None  # a prerequisite's; 85 when left blank
    prerequisite: str = ""  # a main system's prerequisite system, by code


@dataclass
class ItemSpec:
    code: str
    name: str
    description: str = ""
    loc: Loc | None = None


@dataclass
class IndicatorSpec:
    code: str
    item_code: str
    name: str
    description: str = ""
    loc: Loc | None = None


@dataclass
class ClauseSpec:
    """A numbered clause of a content line, with its points per method and own owners."""

    number: int
    text: str
    points: Decimal
    points_material: Decimal = Decimal("0")
    points_field: Decimal = Decimal("0")
    points_questionnaire: Decimal = Decimal("0")
    lead_unit: str = ""
    co_units: list[str] = field(default_factory=list)
    notes: str = ""
    loc: Loc | None = None

    def method_points(self) -> dict:
        return dict(
            zip(
                METHOD_ORDER,
                (self.points_material, self.points_field, self.points_questionnaire),
                strict=True,
            )
        )


def split_points(points: Decimal, methods) -> dict:
    """{method: points}: a line's points shared equally among its methods, as before clauses.

    Rounded down to the hundredth; the last method takes the remainder so they add up.
    """
    chosen = [m for m in METHOD_ORDER if m in set(methods)] or list(METHOD_ORDER)
    points = Decimal(points)
    share = (points / len(chosen)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    split = dict.fromkeys(METHOD_ORDER, Decimal("0"))
    for method in chosen:
        split[method] = share
    split[chosen[-1]] = points - share * (len(chosen) - 1)
    return split


@dataclass
class StandardSpec:
    code: str
    indicator_code: str
    text: str
    points: Decimal
    methods: list[str]
    is_hard: bool = False
    lead_unit: str = ""
    co_units: list[str] = field(default_factory=list)
    notes: str = ""
    loc: Loc | None = None
    # Empty: one clause, number 1, with the line's text and points split among its methods.
    clauses: list[ClauseSpec] = field(default_factory=list)

    def clause_specs(self) -> list[ClauseSpec]:
        if self.clauses:
            return self.clauses
        split = split_points(self.points, self.methods)
        return [
            ClauseSpec(
                1,
                self.text,
                self.points,
                split["material"],
                split["field"],
                split["questionnaire"],
                loc=self.loc,
            )
        ]


@dataclass
class EffectSpec:
    grade: int
    effect: str
    deduction: Decimal | None = None
    condition: str = ""


@dataclass
class NegativeSpec:
    """A negative-list entry; `penalty`/`deduction` are shorthand for one effect of grade 1."""

    code: str
    text: str
    penalty: str = ""
    deduction: Decimal | None = None
    notes: str = ""
    loc: Loc | None = None
    domain: str = NegativeDomain.MECHANISM
    is_veto: bool = False
    effects: list[EffectSpec] = field(default_factory=list)

    def effect_specs(self) -> list[EffectSpec]:
        if self.effects:
            return self.effects
        return [EffectSpec(1, self.penalty, self.deduction)]


@dataclass
class PointTypeSpec:
    code: str
    name: str
    group: str
    name_en: str = ""
    sampling_weight: Decimal = Decimal("1")
    description: str = ""
    is_active: bool = True
    loc: Loc | None = None
    is_virtual: bool = False


@dataclass
class ChecklistSpec:
    code: str
    point_type_code: str
    standard_code: str
    text: str
    deduction: Decimal
    photo_required: bool = True
    default_category_code: str = ""
    deadline_days: int = 5
    loc: Loc | None = None
    clause_code: str = ""  # "<content line code>.<number>"; empty: the line as a whole
    observation: str = Observation.OBSERVATION
    scoring: str = Scoring.PASS_FAIL
    sample_route_m: int | None = None
    sample_spacing_m: int | None = None
    sample_minutes: int | None = None
    sample_count: int | None = None
    sampling_note: str = ""


@dataclass
class PointSpec:
    code: str
    name: str
    point_type_code: str
    region_code: str
    responsible_units: list[str] = field(default_factory=list)
    address: str = ""
    lat: float = 0.0
    lon: float = 0.0
    is_active: bool = True
    notes: str = ""
    loc: Loc | None = None


@dataclass
class WorkbookSpec:
    system: SystemSpec
    items: list[ItemSpec] = field(default_factory=list)
    indicators: list[IndicatorSpec] = field(default_factory=list)
    standards: list[StandardSpec] = field(default_factory=list)
    negative: list[NegativeSpec] = field(default_factory=list)
    point_types: list[PointTypeSpec] = field(default_factory=list)
    checklist: list[ChecklistSpec] = field(default_factory=list)
    points: list[PointSpec] = field(default_factory=list)


class Reporter:
    """Collects problems, each placed at the sheet, row and column of the offending value."""

    def __init__(self, sheet_title=None):
        self.problems: list[Problem] = []
        self._title = sheet_title or (lambda key: key)

    def add(self, loc: Loc | None, field_name: str | None, message: str) -> None:
        if loc is None:
            self.problems.append(Problem("", None, field_name, str(message)))
            return
        column = loc.columns.get(field_name) if field_name else None
        self.problems.append(Problem(self._title(loc.sheet), loc.row, column, str(message)))


def _duplicates(rows, reporter: Reporter, key=lambda r: r.code) -> None:
    seen = {}
    for row in rows:
        k = key(row)
        if k in seen:
            reporter.add(
                row.loc,
                "code",
                _("Duplicate code %(code)s (first on row %(row)s).")
                % {"code": k, "row": seen[k] or "?"},
            )
        else:
            seen[k] = row.loc.row if row.loc else None


def spec_validate(
    spec: WorkbookSpec,
    *,
    reporter: Reporter | None = None,
    replacing: EvaluationSystem | None = None,
    missing: frozenset = frozenset(),
    broken: dict | None = None,
) -> list[Problem]:
    """Every reason `spec` cannot be written, checked against itself and the database.

    `missing` names sheets that could not be read; references into them are not reported
    again (one "missing sheet" error says it all); `broken` holds, per sheet, the codes of
    rows already reported for a bad cell, which count as present for references.
    """
    from wenming.org.models import Region, Unit

    r = reporter or Reporter()
    broken = broken or {}
    if "system" not in missing:
        _check_system(spec, r, replacing)
    for rows in (
        spec.items,
        spec.indicators,
        spec.standards,
        spec.negative,
        spec.point_types,
        spec.checklist,
        spec.points,
    ):
        _duplicates(rows, r)
    item_codes = {i.code for i in spec.items} | broken.get("items", set())
    for indicator in spec.indicators:
        if "items" not in missing and indicator.item_code not in item_codes:
            r.add(
                indicator.loc,
                "item_code",
                _("Item %(code)s is not in the items sheet.")
                % {"code": indicator.item_code or "—"},
            )
    unit_codes = set(Unit.objects.values_list("code", flat=True))
    _check_standards(
        spec,
        r,
        unit_codes,
        check_parent="indicators" not in missing,
        extra=broken.get("indicators", set()),
    )
    _check_negative(spec, r)
    known_types = (
        {t.code for t in spec.point_types}
        | set(PointType.objects.values_list("code", flat=True))
        | broken.get("point_types", set())
    )
    for point_type in spec.point_types:
        if point_type.group not in PointGroup.values:
            r.add(
                point_type.loc, "group", _("Unknown group %(value)s.") % {"value": point_type.group}
            )
        if point_type.sampling_weight < 0:
            r.add(point_type.loc, "sampling_weight", _("The sampling weight cannot be negative."))
    if "point_types" in missing:
        known_types |= {c.point_type_code for c in spec.checklist}
        known_types |= {p.point_type_code for p in spec.points}
    _check_checklist(
        spec,
        r,
        known_types,
        check_standard="standards" not in missing,
        extra=broken.get("standards", set()),
    )
    regions = dict(
        Region.objects.filter(level__in=("street", "community")).values_list("code", "level")
    )
    _check_points(spec, r, known_types, unit_codes, regions)
    if not missing & {"system", "standards"}:
        _check_balance(spec, r)
    return r.problems


def _check_system(spec: WorkbookSpec, r: Reporter, replacing) -> None:
    s = spec.system
    if not s.code:
        r.add(s.loc, "code", _("The system needs a code."))
    if not s.name:
        r.add(s.loc, "name", _("The system needs a name."))
    if not (1990 <= s.edition_year <= 2100):
        r.add(s.loc, "edition_year", _("The edition year must lie between 1990 and 2100."))
    if s.level not in SystemLevel.values:
        r.add(s.loc, "level", _("Unknown level %(value)s.") % {"value": s.level})
    if s.status not in SystemStatus.values:
        r.add(s.loc, "status", _("Unknown status %(value)s.") % {"value": s.status})
    for name in ("weight_material", "weight_field", "weight_questionnaire"):
        value = getattr(s, name)
        if value < 0 or value > MAX_POINTS:
            r.add(s.loc, name, _("A weight must lie between 0 and 100."))
    existing = EvaluationSystem.objects.filter(code=s.code).first()
    if existing is not None and existing != replacing:
        r.add(
            s.loc,
            "code",
            _(
                "A system with code %(code)s already exists and cannot be replaced "
                "(only an unreferenced draft can); give the new edition another "
                "code."
            )
            % {"code": s.code},
        )
    _check_kind(s, r)
    if s.status == SystemStatus.ACTIVE:
        other = (
            EvaluationSystem.objects.filter(status=SystemStatus.ACTIVE, level=s.level, kind=s.kind)
            .exclude(code=s.code)
            .first()
        )
        if other is not None:
            r.add(
                s.loc,
                "status",
                _(
                    "%(name)s is already active for this level; import as a "
                    "draft and activate it when ready."
                )
                % {"name": other.name},
            )


def _check_kind(s: SystemSpec, r: Reporter) -> None:
    """Kind, threshold and prerequisite of the system sheet (the rules of system_kind_check)."""
    if s.kind not in SystemKind.values:
        r.add(s.loc, "kind", _("Unknown kind %(value)s.") % {"value": s.kind})
    if s.threshold is not None and not (0 <= s.threshold <= MAX_POINTS):
        r.add(
            s.loc,
            "threshold",
            _("The threshold must lie between 0 and 100 (found %(value)s).")
            % {"value": s.threshold},
        )
    if not s.prerequisite:
        return
    if s.kind == SystemKind.PREREQUISITE:
        r.add(
            s.loc, "prerequisite", _("A prerequisite system cannot name a prerequisite of its own.")
        )
        return
    found = EvaluationSystem.objects.filter(code=s.prerequisite).values_list("kind", flat=True)
    if not found:
        r.add(
            s.loc,
            "prerequisite",
            _("Unknown evaluation system %(code)s.") % {"code": s.prerequisite},
        )
    elif found[0] != SystemKind.PREREQUISITE:
        r.add(
            s.loc,
            "prerequisite",
            _("%(code)s is a main system, not a prerequisite system.") % {"code": s.prerequisite},
        )


def _check_standards(
    spec: WorkbookSpec, r: Reporter, unit_codes: set[str], *, check_parent: bool, extra: set[str]
) -> None:
    indicator_codes = {i.code for i in spec.indicators} | extra
    for standard in spec.standards:
        if check_parent and standard.indicator_code not in indicator_codes:
            r.add(
                standard.loc,
                "indicator_code",
                _(
                    "Standard %(code)s has no parent: indicator %(parent)s is not in the "
                    "indicators sheet."
                )
                % {"code": standard.code, "parent": standard.indicator_code or "—"},
            )
        if not standard.text:
            r.add(standard.loc, "text", _("The standard needs a text."))
        if standard.points < 0 or standard.points > MAX_POINTS:
            r.add(
                standard.loc,
                "points",
                _("Points must lie between 0 and 100 (found %(value)s).")
                % {"value": standard.points},
            )
        if not standard.methods:
            r.add(standard.loc, "methods", _("Name at least one method."))
        for method in standard.methods:
            if method not in METHOD_ORDER:
                r.add(standard.loc, "methods", _("Unknown method %(value)s.") % {"value": method})
        if standard.lead_unit and standard.lead_unit not in unit_codes:
            r.add(
                standard.loc,
                "lead_unit",
                _("Unknown member unit %(code)s.") % {"code": standard.lead_unit},
            )
        for code in standard.co_units:
            if code not in unit_codes:
                r.add(standard.loc, "co_units", _("Unknown member unit %(code)s.") % {"code": code})
        if standard.clauses:
            check_clauses(standard, r, unit_codes, max_points=MAX_POINTS)


def _check_negative(spec: WorkbookSpec, r: Reporter) -> None:
    for entry in spec.negative:
        if entry.domain not in NegativeDomain.values:
            r.add(entry.loc, "domain", _("Unknown domain %(value)s.") % {"value": entry.domain})
        grades = [e.grade for e in entry.effect_specs()]
        if len(set(grades)) != len(grades):
            r.add(entry.loc, "penalty", _("Two effects of this entry have the same grade."))
        for effect in entry.effect_specs():
            if not effect.effect:
                r.add(
                    entry.loc,
                    "penalty",
                    _(
                        "Give entry %(code)s a penalty here or its graded effects in the "
                        "negative-list effects sheet."
                    )
                    % {"code": entry.code},
                )
            elif effect.effect not in Penalty.values:
                r.add(
                    entry.loc, "penalty", _("Unknown penalty %(value)s.") % {"value": effect.effect}
                )
            if effect.effect == Penalty.DEDUCT and (
                effect.deduction is None or effect.deduction <= 0
            ):
                r.add(entry.loc, "deduction", _("A deduction penalty needs the points to deduct."))
            if effect.deduction is not None and not (0 <= effect.deduction <= MAX_POINTS):
                r.add(
                    entry.loc,
                    "deduction",
                    _("Points must lie between 0 and 100 (found %(value)s).")
                    % {"value": effect.deduction},
                )


def _check_checklist(
    spec: WorkbookSpec, r: Reporter, known_types: set[str], *, check_standard: bool, extra: set[str]
) -> None:
    standard_codes = {s.code for s in spec.standards} | extra
    clause_codes = {f"{s.code}.{c.number}" for s in spec.standards for c in s.clause_specs()}
    for item in spec.checklist:
        if item.clause_code and check_standard and item.clause_code not in clause_codes:
            r.add(
                item.loc,
                "clause_code",
                _("Clause %(code)s is not in the standards sheet.") % {"code": item.clause_code},
            )
        elif item.clause_code and not item.clause_code.startswith(f"{item.standard_code}."):
            r.add(
                item.loc,
                "clause_code",
                _("Clause %(code)s is not a clause of content line %(line)s.")
                % {"code": item.clause_code, "line": item.standard_code},
            )
        if item.observation not in Observation.values:
            r.add(
                item.loc,
                "observation",
                _("Unknown observation method %(value)s.") % {"value": item.observation},
            )
        if item.scoring not in Scoring.values:
            r.add(item.loc, "scoring", _("Unknown scoring %(value)s.") % {"value": item.scoring})
        _check_sampling(item, r)
        if item.point_type_code not in known_types:
            r.add(
                item.loc,
                "point_type_code",
                _("Unknown point type %(code)s.") % {"code": item.point_type_code or "—"},
            )
        if check_standard and item.standard_code not in standard_codes:
            r.add(
                item.loc,
                "standard_code",
                _("Standard %(code)s is not in the standards sheet.")
                % {"code": item.standard_code or "—"},
            )
        if not item.text:
            r.add(item.loc, "text", _("The checklist item needs a text."))
        if item.deduction < 0 or item.deduction > MAX_POINTS:
            r.add(
                item.loc,
                "deduction",
                _("Points must lie between 0 and 100 (found %(value)s).")
                % {"value": item.deduction},
            )
        if not (1 <= item.deadline_days <= 365):
            r.add(item.loc, "deadline_days", _("The deadline must be 1 to 365 working days."))


def _check_sampling(item: ChecklistSpec, r: Reporter) -> None:
    """A sampling rule's numbers are positive, and one place is shorter than the route."""
    for name in ("sample_route_m", "sample_spacing_m", "sample_minutes", "sample_count"):
        value = getattr(item, name)
        if value is not None and value < 1:
            r.add(item.loc, name, _("Write a whole number from 1, or leave the cell empty."))
    route, spacing = item.sample_route_m, item.sample_spacing_m
    if route and spacing and 0 < route < spacing:
        r.add(
            item.loc,
            "sample_spacing_m",
            _(
                "The spacing counted as one place (%(spacing)s m) is longer than the route "
                "(%(route)s m)."
            )
            % {"spacing": spacing, "route": route},
        )


def _check_points(
    spec: WorkbookSpec,
    r: Reporter,
    known_types: set[str],
    unit_codes: set[str],
    regions: dict[str, str],
) -> None:
    for point in spec.points:
        if not point.name:
            r.add(point.loc, "name", _("The point needs a name."))
        if point.point_type_code not in known_types:
            r.add(
                point.loc,
                "point_type_code",
                _("Unknown point type %(code)s.") % {"code": point.point_type_code or "—"},
            )
        if point.region_code not in regions:
            r.add(
                point.loc,
                "region_code",
                _(
                    "Unknown street or community %(code)s (a point "
                    "belongs to a street/town or community/village)."
                )
                % {"code": point.region_code or "—"},
            )
        for code in point.responsible_units:
            if code not in unit_codes:
                r.add(
                    point.loc,
                    "responsible_units",
                    _("Unknown member unit %(code)s.") % {"code": code},
                )
        if not (CHINA_LAT[0] <= point.lat <= CHINA_LAT[1]):
            r.add(
                point.loc, "lat", _("Latitude %(value)s lies outside China.") % {"value": point.lat}
            )
        if not (CHINA_LON[0] <= point.lon <= CHINA_LON[1]):
            r.add(
                point.loc,
                "lon",
                _("Longitude %(value)s lies outside China.") % {"value": point.lon},
            )


def _check_balance(spec: WorkbookSpec, r: Reporter) -> None:
    """An active system's points must add up to each method's weight (drafts may be unfinished)."""
    if spec.system.status != SystemStatus.ACTIVE:
        return
    totals = dict.fromkeys(METHOD_ORDER, Decimal("0"))
    for standard in spec.standards:
        for clause in standard.clause_specs():
            for method, points in clause.method_points().items():
                totals[method] += points
    for method, name in zip(
        METHOD_ORDER, ("weight_material", "weight_field", "weight_questionnaire"), strict=True
    ):
        weight = getattr(spec.system, name)
        if abs(totals[method] - weight) >= Decimal("0.01"):
            r.add(
                spec.system.loc,
                name,
                _(
                    "An active system's %(method)s standards must add up to "
                    "%(weight)s points; they add up to %(total)s."
                )
                % {
                    "method": dict(_method_labels())[method],
                    "weight": weight,
                    "total": totals[method].quantize(Decimal("0.01")),
                },
            )


def _method_labels():
    from .models import Method

    return Method.choices
