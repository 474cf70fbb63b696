"""The date range of the review pages, validated before it reaches a query."""

from __future__ import annotations

from datetime import date

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from .rates import Period, this_year

MAX_DAYS = 366 * 5


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "row row-cols-sm-auto g-2 align-items-end"
        self.helper.add_input(Submit("", _("查询"), css_class="btn-primary"))

    def clean(self) -> dict:
        data = super().clean()
        default = this_year()
        start: date = data.get("start") or default.start
        end: date = data.get("end") or default.end
        if start > end:
            raise forms.ValidationError(_("开始日期不能晚于结束日期。"))
        if (end - start).days > MAX_DAYS:
            raise forms.ValidationError(_("查询区间不能超过五年。"))
        data["start"], data["end"] = start, end
        return data

    @property
    def period(self) -> Period:
        return Period(self.cleaned_data["start"], self.cleaned_data["end"])
