"""A filter bar's fields in Bootstrap markup, without crispy's per-field template cascade.

Filter bars sit on every list page, which must stay fast at a district's scale; crispy renders
each field through several templates, which cost more than the page's own query.
"""

from django import forms, template
from django.utils.html import format_html

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
    return format_html(
        '<label class="form-label small mb-1" for="{}">{}</label>{}{}',
        field.id_for_label,
        field.label,
        field.as_widget(attrs={"class": css + invalid}),
        errors,
    )
