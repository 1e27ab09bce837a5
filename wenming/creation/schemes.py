"""Small assessment schemes for creation types, built through the evaluation-system services
(one item, one indicator, a content line per criterion), for the demo and the tests."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from wenming.standards.models import EvaluationSystem
from wenming.standards.services import (
    indicator_create,
    item_create,
    standard_create,
    system_create,
)


def scheme_build(
    *,
    actor,
    code: str,
    name: str,
    criteria: list[tuple[str, int | Decimal]],
    year: int = 2026,
    level: str = "prefecture",
    is_demo: bool = False,
) -> EvaluationSystem:
    """The scheme `code` (built once): `criteria` are (text, points), numbered 1.1.1, 1.1.2 …"""
    found = EvaluationSystem.objects.filter(code=code).first()
    if found is not None:
        return found
    with transaction.atomic():
        system = system_create(
            code=code,
            name=name,
            edition_year=year,
            level=level,
            weight_material=sum(Decimal(str(p)) for _t, p in criteria),
            weight_field=Decimal("0"),
            weight_questionnaire=Decimal("0"),
            description="creation scheme",
            actor=actor,
            is_demo=is_demo,
        )
        item = item_create(system=system, code="1", name=name, actor=actor)
        indicator = indicator_create(item=item, code="1.1", name=name, actor=actor)
        for number, (text, points) in enumerate(criteria, start=1):
            standard_create(
                indicator=indicator,
                code=f"1.1.{number}",
                text=text,
                points=points,
                methods=["material"],
                actor=actor,
            )
    return system
