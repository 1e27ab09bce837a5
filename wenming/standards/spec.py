"""A whole evaluation system as plain data, and the checks it must pass before it is written.

The Excel import parses a workbook into a `WorkbookSpec`; the demo builds one in code. Both
go through `spec_validate` and then `services.system_load`, so there is one path that writes
a system in bulk. Every spec row remembers where it came from (`loc`), so an error can name
the sheet, row and column.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from .models import (
    METHOD_ORDER,
    EvaluationSystem,
    Penalty,
    PointGroup,
    PointType,
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


@dataclass
class NegativeSpec:
    code: str
    text: str
    penalty: str
    deduction: Decimal | None = None
    notes: str = ""
    loc: Loc | None = None


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
    if s.status == SystemStatus.ACTIVE:
        other = (
            EvaluationSystem.objects.filter(status=SystemStatus.ACTIVE, level=s.level)
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


def _check_negative(spec: WorkbookSpec, r: Reporter) -> None:
    for entry in spec.negative:
        if entry.penalty not in Penalty.values:
            r.add(entry.loc, "penalty", _("Unknown penalty %(value)s.") % {"value": entry.penalty})
        if entry.penalty == Penalty.DEDUCT and (entry.deduction is None or entry.deduction <= 0):
            r.add(entry.loc, "deduction", _("A deduction penalty needs the points to deduct."))
        if entry.deduction is not None and (entry.deduction < 0 or entry.deduction > MAX_POINTS):
            r.add(
                entry.loc,
                "deduction",
                _("Points must lie between 0 and 100 (found %(value)s).")
                % {"value": entry.deduction},
            )


def _check_checklist(
    spec: WorkbookSpec, r: Reporter, known_types: set[str], *, check_standard: bool, extra: set[str]
) -> None:
    standard_codes = {s.code for s in spec.standards} | extra
    for item in spec.checklist:
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
        listed = [m for m in standard.methods if m in totals]
        for method in listed:
            totals[method] += standard.points / len(listed)
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
