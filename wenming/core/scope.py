"""Data scope in one place: every selector, export and API narrows its queryset here.

A model declares who may read its rows with a `SCOPE = ScopeRule(...)` class attribute:

- office admins and leaders read everything;
- a region officer reads rows whose region lies in their region's subtree;
- a unit officer reads rows their unit owns (any of the `units` lookups);
- inspectors and evaluators read rows assigned to them (`assignee` lookup);
- `reference_for` lists roles that read the whole table (e.g. the units list is reference
  data for everyone who works in the system).

Anyone else — anonymous, no role, an inactive account — reads nothing.
"""

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q, QuerySet

from .roles import Role


@dataclass(frozen=True)
class ScopeRule:
    region: str | None = None  # lookup to a Region FK; "" when the model is Region itself
    units: tuple[str, ...] = ()  # lookups to owning Unit FKs (or M2M)
    assignee: str | None = None  # lookup to the Person a row is assigned to
    reference_for: frozenset = field(default_factory=frozenset)
    distinct: bool = False  # set when a lookup crosses a many-to-many relation


SEE_ALL = frozenset({Role.OFFICE_ADMIN, Role.LEADER})


def _rule_for(queryset: QuerySet) -> ScopeRule:
    rule = getattr(queryset.model, "SCOPE", None)
    if rule is None:
        raise TypeError(f"{queryset.model.__name__} declares no SCOPE rule")
    return rule


def scope_queryset(queryset: QuerySet, actor) -> QuerySet:
    """Narrow `queryset` to the rows `actor` may see (the only data-scope filter in Wenming)."""
    rule = _rule_for(queryset)
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return queryset.none()
    role = getattr(actor, "role", "")
    if role in SEE_ALL:
        return queryset
    if role in rule.reference_for:
        return queryset
    condition = _condition(rule, actor, role, queryset.model)
    if condition is None:
        return queryset.none()
    scoped = queryset.filter(condition)
    return scoped.distinct() if rule.distinct else scoped


def _condition(rule: ScopeRule, actor, role: str, model) -> Q | None:
    if role == Role.REGION_OFFICER and rule.region is not None and actor.region_id:
        ids = actor.region.subtree_ids()
        lookup = "pk__in" if rule.region == "" else f"{rule.region}__in"
        return Q(**{lookup: ids})
    if role == Role.UNIT_OFFICER and rule.units and actor.unit_id:
        condition = Q()
        for lookup in rule.units:
            condition |= Q(**{lookup: actor.unit_id})
        return condition
    if role in (Role.INSPECTOR, Role.EVALUATOR) and rule.assignee:
        if "__" in rule.assignee:
            # Across a relation (a point's visits' teams) a join would repeat a row once per
            # match; a semi-join on the primary key never does.
            mine = model._default_manager.filter(**{rule.assignee: actor.pk}).values("pk")
            return Q(pk__in=mine)
        return Q(**{rule.assignee: actor.pk})
    return None


def can_see(actor, obj) -> bool:
    """True when `obj` lies inside `actor`'s scope (one query on the primary key)."""
    return scope_queryset(type(obj)._default_manager.filter(pk=obj.pk), actor).exists()


def scope_unrestricted(actor, model) -> bool:
    """True when `scope_queryset` would return every row of `model` to `actor` unfiltered, so a
    hand-written query on a hot path may skip the scope filter (it is exactly no filter)."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    role = getattr(actor, "role", "")
    return role in SEE_ALL or role in model.SCOPE.reference_for


def scope_sql(actor, model, table: str) -> tuple[str, list] | None:
    """`scope_queryset`'s condition written as SQL on `table` (an alias of `model`'s table), for
    a hand-written query on a hot path: (condition, params). None when the rule needs a join
    (a lookup across a relation): then use the ORM."""
    rule = model.SCOPE
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return "1 = 0", []
    if scope_unrestricted(actor, model):
        return "1 = 1", []
    role = getattr(actor, "role", "")
    quote = connection.ops.quote_name
    meta = model._meta

    def column(lookup: str) -> str:
        field = meta.pk if lookup in ("", "pk") else meta.get_field(lookup)
        return f"{table}.{quote(field.column)}"

    if role == Role.REGION_OFFICER and rule.region is not None and actor.region_id:
        if "__" in rule.region:
            return None
        ids = actor.region.subtree_ids()
        return f"{column(rule.region)} IN ({', '.join(['%s'] * len(ids))})", list(ids)
    if role == Role.UNIT_OFFICER and rule.units and actor.unit_id:
        if rule.distinct or any("__" in lookup for lookup in rule.units):
            return None
        either = " OR ".join(f"{column(lookup)} = %s" for lookup in rule.units)
        return f"({either})", [actor.unit_id] * len(rule.units)
    if role in (Role.INSPECTOR, Role.EVALUATOR) and rule.assignee:
        if "__" in rule.assignee:
            return None
        return f"{column(rule.assignee)} = %s", [actor.pk]
    return "1 = 0", []


def scope_allows(actor, obj) -> bool:
    """Whether `obj`, already loaded, lies inside `actor`'s scope: `scope_queryset`'s rule
    applied in memory, for reference rows served from a cache (no query). Lookups that cross
    a relation are answered by the database (`can_see`)."""
    rule = type(obj).SCOPE
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    role = getattr(actor, "role", "")
    if role in SEE_ALL or role in rule.reference_for:
        return True
    if role == Role.REGION_OFFICER and rule.region is not None and actor.region_id:
        if "__" in rule.region:
            return can_see(actor, obj)
        region = obj if rule.region == "" else getattr(obj, rule.region)
        return actor.region.contains(region)
    if role == Role.UNIT_OFFICER and rule.units and actor.unit_id:
        if rule.distinct or any("__" in lookup for lookup in rule.units):
            return can_see(actor, obj)
        return any(_value_id(obj, lookup) == actor.unit_id for lookup in rule.units)
    if role in (Role.INSPECTOR, Role.EVALUATOR) and rule.assignee:
        if "__" in rule.assignee:
            return can_see(actor, obj)
        return _value_id(obj, rule.assignee) == actor.pk
    return False


def _value_id(obj, lookup: str):
    if lookup == "pk":
        return obj.pk
    return getattr(obj, f"{lookup}_id", None)
