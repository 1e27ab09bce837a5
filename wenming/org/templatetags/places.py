"""Regions in templates as people tell them apart."""

from django import template

from wenming.org.places import region_path_label

register = template.Library()


@register.filter
def region_path(region) -> str:
    """ "中山区 › 桃源街道 › 胜利社区" (from the reference copy, no query): the 35
    communities called 胜利社区 read apart in a table."""
    return region_path_label(region) if region is not None else ""
