"""Copying an edition's whole tree into a new draft (system_clone), row for row."""

from django.db import models

from ..models import (
    ChecklistItem,
    Clause,
    EvaluationSystem,
    Indicator,
    Item,
    NegativeEffect,
    NegativeListEntry,
    Standard,
)


def copy_rows(model, rows, *, remap=None, batch_size=500, **fixed) -> dict[int, int]:
    """Copy `rows` of `model` with every stored field as it is, except: `fixed` values set
    outright (the clone's system), and each foreign key named in `remap` (by its attname,
    e.g. "item_id") translated through its old → new id map. Returns old id → new id.

    Reads the fields from the model's documented `_meta` API, so a field added to a tree
    table is copied without touching this module."""
    remap = remap or {}
    fields = [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and f.name not in fixed and f.attname not in fixed
    ]
    rows = list(rows)
    copies = model.objects.bulk_create(
        [
            model(
                **fixed,
                **{
                    f.attname: (
                        remap[f.attname].get(getattr(row, f.attname))
                        if f.attname in remap
                        else getattr(row, f.attname)
                    )
                    for f in fields
                },
            )
            for row in rows
        ],
        batch_size=batch_size,
    )
    return {old.pk: new.pk for old, new in zip(rows, copies, strict=True)}


def _copy_links(field: models.ManyToManyField, owner_map: dict, rows) -> None:
    """Copy the rows of a many-to-many link table, the owner side translated."""
    through = field.remote_field.through
    owner = field.m2m_field_name() + "_id"
    target = field.m2m_reverse_field_name() + "_id"
    through.objects.bulk_create(
        [
            through(**{owner: owner_map[getattr(r, owner)], target: getattr(r, target)})
            for r in rows
        ],
        batch_size=1000,
    )


def copy_tree(source: EvaluationSystem, clone: EvaluationSystem) -> dict:
    """Items, indicators, content lines, clauses, negative list and checklists; counts."""
    item_map = copy_rows(Item, Item.objects.filter(system=source), system=clone)
    indicator_map = copy_rows(
        Indicator,
        Indicator.objects.filter(system=source),
        remap={"item_id": item_map},
        system=clone,
    )
    standard_map = copy_rows(
        Standard,
        Standard.objects.filter(system=source),
        remap={"indicator_id": indicator_map},
        system=clone,
    )
    co_units = Standard._meta.get_field("co_units")
    _copy_links(
        co_units,
        standard_map,
        co_units.remote_field.through.objects.filter(standard__system=source),
    )
    clause_map = copy_rows(
        Clause,
        Clause.objects.filter(system=source),
        remap={"standard_id": standard_map},
        system=clone,
    )
    clause_units = Clause._meta.get_field("co_units")
    _copy_links(
        clause_units,
        clause_map,
        clause_units.remote_field.through.objects.filter(clause__system=source),
    )
    entry_map = copy_rows(
        NegativeListEntry, NegativeListEntry.objects.filter(system=source), system=clone
    )
    copy_rows(
        NegativeEffect,
        NegativeEffect.objects.filter(entry__system=source),
        remap={"entry_id": entry_map},
    )
    checklist = copy_rows(
        ChecklistItem,
        ChecklistItem.objects.filter(system=source),
        remap={"standard_id": standard_map, "clause_id": clause_map},
        system=clone,
    )
    return {
        "items": len(item_map),
        "indicators": len(indicator_map),
        "standards": len(standard_map),
        "clauses": len(clause_map),
        "checklist": len(checklist),
    }
