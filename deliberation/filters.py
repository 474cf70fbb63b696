from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from pinggu_center.scopes import visible_centers

from .models import CenterDocument, DocumentKind, MajorMatter, MatterStep, Meeting, MeetingKind


def _centers(request):
    return visible_centers(request.user) if request is not None else visible_centers(None)


class MeetingFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("会议类型"), choices=MeetingKind.choices, empty_label=_("全部类型"))
    center = django_filters.ModelChoiceFilter(label=_("村/社区"), queryset=_centers, empty_label=_("全部村/社区"))
    held_after = django_filters.DateFilter(
        label=_("起始日期"), field_name="held_at", lookup_expr="date__gte", widget=forms.DateInput(attrs={"type": "date"})
    )
    held_before = django_filters.DateFilter(
        label=_("截止日期"), field_name="held_at", lookup_expr="date__lte", widget=forms.DateInput(attrs={"type": "date"})
    )
    q = django_filters.CharFilter(label=_("会议名称"), field_name="title", lookup_expr="contains", max_length=50)

    class Meta:
        model = Meeting
        fields = ["kind", "center", "held_after", "held_before", "q"]


class MatterFilter(django_filters.FilterSet):
    current_step = django_filters.ChoiceFilter(label=_("已完成步骤"), choices=MatterStep.choices, empty_label=_("全部"))
    center = django_filters.ModelChoiceFilter(label=_("村/社区"), queryset=_centers, empty_label=_("全部村/社区"))
    q = django_filters.CharFilter(label=_("事项名称"), field_name="title", lookup_expr="contains", max_length=50)

    class Meta:
        model = MajorMatter
        fields = ["current_step", "center", "q"]


class DocumentFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("类别"), choices=DocumentKind.choices, empty_label=_("全部类别"))
    center = django_filters.ModelChoiceFilter(label=_("村/社区"), queryset=_centers, empty_label=_("全部村/社区"))

    class Meta:
        model = CenterDocument
        fields = ["kind", "center"]
