"""Small template helpers of the case pages."""

from __future__ import annotations

from django import template

from pinggu_center.models import Level

register = template.Library()


@register.filter
def level_label(value: str) -> str:
    """村级 / 镇级 / 区级 for a stored level value (timeline rows keep the raw values)."""
    try:
        return str(Level(value).label)
    except ValueError:
        return value
