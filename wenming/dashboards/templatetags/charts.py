"""A chart's table view: each cell with its column's unit."""

from django import template

register = template.Library()


@register.filter
def with_units(row: list, units: list) -> list[tuple]:
    """(value, unit) for each cell of `row`; `units` is the chart's `column_units`."""
    return list(zip(row, units or [""] * len(row), strict=False))
