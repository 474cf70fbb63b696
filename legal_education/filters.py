from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from pinggu_center.scopes import visible_centers

from .models import ActivityKind, LegalActivity, LegalLiaison, LegalTeam, VillageLegalReport

DATE = forms.DateInput(attrs={"type": "date"})


def _centers(request):
    return visible_centers(request.user)


class ActivityFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("活动类型"), choices=ActivityKind.choices, empty_label=_("全部类型"))
    team = django_filters.ModelChoiceFilter(label=_("普法队伍"), queryset=LegalTeam.objects.all(), empty_label=_("全部队伍"))
    center = django_filters.ModelChoiceFilter(label=_("村/社区"), queryset=_centers, empty_label=_("全部村/社区"))
    held_after = django_filters.DateFilter(label=_("起始日期"), field_name="held_on", lookup_expr="gte", widget=DATE)
    held_before = django_filters.DateFilter(label=_("截止日期"), field_name="held_on", lookup_expr="lte", widget=DATE)

    class Meta:
        model = LegalActivity
        fields = ["kind", "team", "center", "held_after", "held_before"]


class LiaisonFilter(django_filters.FilterSet):
    center = django_filters.ModelChoiceFilter(label=_("村/社区"), queryset=_centers, empty_label=_("全部村/社区"))
    active = django_filters.BooleanFilter(label=_("仅在任"), field_name="retired_on", lookup_expr="isnull")
    q = django_filters.CharFilter(label=_("姓名"), field_name="name", lookup_expr="contains", max_length=20)

    class Meta:
        model = LegalLiaison
        fields = ["center", "active", "q"]


class ReportFilter(django_filters.FilterSet):
    center = django_filters.ModelChoiceFilter(label=_("村/社区"), queryset=_centers, empty_label=_("全部村/社区"))
    year = django_filters.NumberFilter(label=_("年度"), field_name="report_date", lookup_expr="year", min_value=2000, max_value=2100)

    class Meta:
        model = VillageLegalReport
        fields = ["center", "year"]
