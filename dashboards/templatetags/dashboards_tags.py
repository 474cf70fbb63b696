"""Small helpers for the dashboard templates: links that tolerate an app not yet installed, rates as text."""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag
def safe_url(name: str, *args) -> str:
    """The URL, or "" when this deployment has no such page (the template then shows plain text)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register.filter
def rate(value) -> str:
    """A percentage with one decimal, or an em dash when there was nothing to count."""
    if value is None:
        return "—"
    return f"{value:.1f}%"


@register.filter
def hours(value) -> str:
    if value is None:
        return "—"
    return f"{value.total_seconds() / 3600:.1f}"
