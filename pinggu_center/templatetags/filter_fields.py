"""A filter bar's fields in Bootstrap markup, without crispy's per-field template cascade.

Filter bars sit on every list page, which must stay fast at a district's scale; crispy renders
each field through several templates, which cost more than the page's own query.
"""

from django import forms, template
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.filter
def filter_field(field: forms.BoundField) -> str:
    widget = field.field.widget
    if isinstance(widget, forms.HiddenInput):
        return str(field)
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    errors = format_html('<div class="invalid-feedback d-block">{}</div>', " ".join(field.errors)) if field.errors else ""
    invalid = " is-invalid" if field.errors else ""
    if isinstance(widget, forms.CheckboxInput):  # the label beside the box is the tap target
        return format_html(
            '<div class="form-check">{}<label class="form-check-label" for="{}">{}</label></div>{}',
            field.as_widget(attrs={"class": css + invalid}), field.id_for_label, field.label, errors,
        )
    choices = list(iter(field.field.choices)) if type(widget) is forms.Select else None  # iter: no COUNT query
    if choices is not None and not any(isinstance(label, (list, tuple)) for _value, label in choices):
        control = _select(field, choices, css + invalid)
    else:  # other widgets, and selects with option groups
        control = field.as_widget(attrs={"class": css + invalid})
    return format_html(
        '<label class="form-label small mb-1" for="{}">{}</label>{}{}', field.id_for_label, field.label, control, errors
    )


def _select(field: forms.BoundField, choices: list, css: str) -> str:
    """A one-choice select built here: Django renders each option through a template of its own, which for a
    list of seventy departments costs more than the page's query."""
    widget = field.field.widget
    attrs = widget.build_attrs(widget.attrs, {"class": css, "name": field.html_name, "id": field.auto_id})
    if field.field.required:
        attrs["required"] = True
    value = field.value()
    chosen = "" if value is None else str(value)
    options = format_html_join(
        "", "<option value=\"{}\"{}>{}</option>",
        ((str(option), " selected" if str(option) == chosen else "", label) for option, label in choices),
    )
    return format_html("<select{}>{}</select>", flatatt(attrs), options)
