"""Who a problem goes to: routing rules as data, then the owner or the locality.

Order of decision (domain.md, digital urban management):
1. the office's routing rules — the most specific match wins (a rule for the category beats a
   rule for every category; a rule for a smaller region beats one for a larger region);
2. without a rule, a *facility* goes to its owner first (the point's responsible unit), then
   to the locality; an *event* goes to the locality first (the problem's street, else its
   district), then to the owner (部件先属主后属地，事件先属地后属主).
Exactly one target makes a route; several equally good targets leave the problem in the
dispatcher's queue with them as suggestions.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy

from wenming.core.refcache import Reference
from wenming.org.models import RegionLevel
from wenming.org.selectors import REGIONS

from .models import CategoryKind, RoutingRule, TargetLevel


@dataclass(frozen=True)
class Target:
    unit: object | None = None  # org.Unit
    region: object | None = None  # org.Region (a locality)

    @property
    def key(self) -> str:
        return f"unit:{self.unit.code}" if self.unit else f"region:{self.region.code}"

    @property
    def label(self) -> str:
        return self.unit.display_name if self.unit else self.region.display_name


@dataclass
class Route:
    chosen: Target | None
    candidates: list[Target] = field(default_factory=list)
    basis: str = ""  # "rule", "owner", "locality" or "" when nothing matched

    @property
    def explanation(self) -> str:
        return str(BASES.get(self.basis, BASES[""]))

    @property
    def system_note(self) -> dict:
        """What the timeline says about an automatic dispatch, as a code (see `note_text`)."""
        return {"code": "auto_dispatch", "basis": self.basis}


BASES = {
    "rule": gettext_lazy("routing rule"),
    "owner": gettext_lazy("owner of the point"),
    "locality": gettext_lazy("locality"),
    "": gettext_lazy("no route"),
}

# Notes the system writes into a problem's timeline. The event keeps the code and its
# parameters (`data["system_note"]`), so each reader sees the note in their own language; the
# event's `note` holds the site-language text for the API, exports and the audit log.
SYSTEM_NOTES = {"auto_dispatch": gettext_lazy("Dispatched automatically (%(basis)s).")}
# What events written before the code was kept say, in either language (the demo wrote the
# last one), mapped back to their code, so old timelines follow the language too.
LEGACY_NOTES = {"自动派遣（路由规则）": {"code": "auto_dispatch", "basis": "rule"}}


def note_text(note: dict) -> str:
    """A system note (`{"code": …, **params}`) in the active language ("" if unknown)."""
    template = SYSTEM_NOTES.get(note.get("code", ""))
    if template is None:
        return ""
    basis = BASES.get(note.get("basis", ""), BASES[""])
    return str(template) % {"basis": basis}


def note_site_text(note: dict) -> str:
    """The same note in the site's language, for the event's stored `note`."""
    with translation.override(settings.LANGUAGE_CODE):
        return note_text(note)


def _legacy_notes() -> dict[str, dict]:
    known = dict(LEGACY_NOTES)
    for language in ("en", settings.LANGUAGE_CODE):
        with translation.override(language):
            for basis in BASES:
                note = {"code": "auto_dispatch", "basis": basis}
                known[note_text(note)] = note
    return known


def event_note(event) -> str:
    """The note to show for a timeline event: a system note in the reader's language, or
    what a person wrote, as written."""
    coded = (event.data or {}).get("system_note") if isinstance(event.data, dict) else None
    if coded is None and event.actor_id is None and event.note:
        coded = _legacy_notes().get(event.note.strip())
    if coded:
        return note_text(coded) or event.note
    return event.note


def locate(region) -> tuple:
    """(district, street) above or at `region` (None where the tree has no such level)."""
    codes = region.lineage_codes()
    # From the per-process region cache: every report locates its region.
    ancestors = {r.level: r for r in map(REGIONS.by_key, codes) if r is not None}
    ancestors[region.level] = region
    return ancestors.get(RegionLevel.DISTRICT), ancestors.get(RegionLevel.STREET)


def _locality(district, street) -> list[Target]:
    place = street or district
    return [Target(region=place)] if place is not None else []


def _rule_targets(rule, district, street) -> Target | None:
    if rule.unit_id:
        return Target(unit=rule.unit)
    if rule.target_level == TargetLevel.STREET and street is not None:
        return Target(region=street)
    return Target(region=district) if district is not None else None


# The active routing rules, kept like the other reference rows (core/refcache.py). Every
# inspection report asks; the office edits rules a few times a month, only through the
# services (`routing_rule_*`), which drop every app server's copy.
RULES = Reference(
    lambda: list(RoutingRule.objects.filter(is_active=True).select_related("unit", "region"))
)


def _matching_rules(category, region) -> list:
    rules = [
        rule
        for rule in RULES.get()
        if rule.category_id in (None, category.pk)
        and (rule.region_id is None or rule.region.contains(region))
    ]
    best, best_rank = [], None
    for rule in rules:
        rank = (rule.category_id is not None, len(rule.region.path) if rule.region_id else 0)
        if best_rank is None or rank > best_rank:
            best, best_rank = [rule], rank
        elif rank == best_rank:
            best.append(rule)
    return best


def _distinct(targets: list[Target]) -> list[Target]:
    seen, result = set(), []
    for target in targets:
        if target is not None and target.key not in seen:
            seen.add(target.key)
            result.append(target)
    return result


def _decide(targets: list[Target], basis: str) -> Route:
    return Route(chosen=targets[0] if len(targets) == 1 else None, candidates=targets, basis=basis)


def route_for(*, category, region, point=None, located=None) -> Route:
    """Where a problem of `category` at `region` (and `point`) should go.

    `located` is `locate(region)` when the caller has it already.
    """
    district, street = located or locate(region)
    rules = _matching_rules(category, region)
    if rules:
        return _decide(_distinct([_rule_targets(r, district, street) for r in rules]), "rule")
    owners = []
    if point is not None:
        owners = [
            Target(unit=u) for u in point.responsible_units.filter(is_active=True).order_by("code")
        ]
    locality = _locality(district, street)
    order = (
        [("owner", owners), ("locality", locality)]
        if category.kind == CategoryKind.FACILITY
        else [("locality", locality), ("owner", owners)]
    )
    for basis, targets in order:
        if targets:
            return _decide(_distinct(targets), basis)
    return Route(chosen=None)
