"""`{{ phone|masked_phone:user }}`: a reporter's phone as the user may read it (privacy.py)."""

from django import template

from ..privacy import mask_phone

register = template.Library()


@register.filter
def masked_phone(phone, actor) -> str:
    return mask_phone(actor, phone) or ""
