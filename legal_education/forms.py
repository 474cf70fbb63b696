from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from pinggu_center.models import Member
from pinggu_center.uploads import EVIDENCE_KINDS, IMAGE_KINDS, validate_upload

from .models import LegalActivity, LegalLiaison, LegalTeam, LiaisonTraining, VillageLegalReport

DATE = forms.DateInput(attrs={"type": "date"})


def _helper(label: str) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", label))
    return helper


def _checked(upload, kinds):
    return validate_upload(upload, kinds=kinds)  # the checked file, a photo re-encoded


class CenterChoiceMixin:
    def _limit_center(self, centers) -> None:
        self.fields["center"].queryset = centers
        self.fields["center"].empty_label = None


class TeamForm(forms.ModelForm):
    class Meta:
        model = LegalTeam
        fields = ["name", "lead_unit", "member_count"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("添加队伍"))

    def validate_unique(self) -> None:
        pass  # the service refuses duplicates with its own message


class ActivityForm(CenterChoiceMixin, forms.ModelForm):
    class Meta:
        model = LegalActivity
        fields = ["center", "kind", "held_on", "team", "topic", "attendance", "note"]
        widgets = {"held_on": DATE, "note": forms.Textarea(attrs={"rows": 3}), "attendance": forms.NumberInput(attrs={"inputmode": "numeric"})}

    def __init__(self, *args, centers, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._limit_center(centers)
        self.fields["team"].queryset = LegalTeam.objects.filter(active=True)
        self.helper = _helper(_("保存活动"))


class PhotoForm(forms.Form):
    image = forms.FileField(label=_("活动照片"), help_text=_("JPG、PNG 或 WEBP 图片。"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("上传照片"))

    def clean_image(self):
        return _checked(self.cleaned_data["image"], IMAGE_KINDS)


class LiaisonForm(CenterChoiceMixin, forms.ModelForm):
    class Meta:
        model = LegalLiaison
        fields = ["center", "name", "phone", "member", "appointed_on"]
        widgets = {"appointed_on": DATE, "phone": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"})}

    def __init__(self, *args, centers, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._limit_center(centers)
        self.fields["member"].queryset = (
            Member.objects.active().filter(center__in=centers, roles__code="legal_liaison").select_related("center")
        )
        self.fields["member"].label_from_instance = lambda m: f"{m.name}（{m.center.division}）"
        self.helper = _helper(_("登记法律明白人"))

    def validate_unique(self) -> None:
        pass  # the service refuses a member linked twice with its own message


class TrainingForm(forms.ModelForm):
    class Meta:
        model = LiaisonTraining
        fields = ["trained_on", "topic", "hours", "organiser"]
        widgets = {"trained_on": DATE}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hours"].min_value = 0.5
        self.fields["hours"].validators.append(_positive)
        self.helper = _helper(_("添加培训记录"))


def _positive(value) -> None:
    if value <= 0:
        raise forms.ValidationError(_("学时须大于 0。"))


class ReportForm(CenterChoiceMixin, forms.ModelForm):
    class Meta:
        model = VillageLegalReport
        fields = ["center", "title", "report_date", "author", "file"]
        widgets = {"report_date": DATE}

    def __init__(self, *args, centers, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._limit_center(centers)
        self.helper = _helper(_("上传报告"))

    def clean_file(self):
        return _checked(self.cleaned_data["file"], EVIDENCE_KINDS)


class SummaryFilterForm(forms.Form):
    """The filter of the district summaries: a town in the user's scope and (for coverage) a year."""

    town = forms.ModelChoiceField(label=_("镇/街道"), queryset=None, required=False, empty_label=_("全部镇街"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, required=False)
    short_only = forms.BooleanField(label=_("只看不足三人的村"), required=False)

    def __init__(self, *args, towns, with_year: bool = False, with_short: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = towns
        if not with_year:
            del self.fields["year"]
        if not with_short:
            del self.fields["short_only"]
