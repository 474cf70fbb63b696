"""Template filters that mask personal data in lists (PIPL: show the minimum)."""

from django import template

from pinggu_center.validators import mask_phone as _mask_phone

register = template.Library()


@register.filter
def mask_phone(value: str) -> str:
    return _mask_phone(value or "")
