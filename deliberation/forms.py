from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from pinggu_center.uploads import EVIDENCE_KINDS, validate_upload
from visits.models import Visit

from . import rules
from .models import CenterDocument, MajorMatter, MatterStep, Meeting, Resolution


def _helper(label: str) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", label))
    return helper


class MeetingForm(forms.ModelForm):
    """A meeting is checked against the notice and quorum rules when it is recorded, before any topic is added.

    A meeting that breaks them may still be recorded, as it happened, once the user confirms that it cannot resolve
    anything; the meeting is then shown everywhere as unable to resolve (Meeting.may_resolve).
    """

    record_anyway = forms.BooleanField(
        label=_("我已知晓：此会议不能作出决议，仍然如实登记"), required=False, widget=forms.HiddenInput
    )

    class Meta:
        model = Meeting
        fields = ["center", "kind", "title", "notice_date", "held_at", "venue", "eligible_count", "present_count", "chaired_by"]
        widgets = {
            "notice_date": forms.DateInput(attrs={"type": "date"}),
            "held_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "eligible_count": forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}),
            "present_count": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
        }

    def __init__(self, *args, centers, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["center"].queryset = centers
        self.fields["center"].empty_label = None
        self.helper = _helper(_("保存会议"))
        self.broken_rules: list[str] = []

    def clean(self) -> dict:
        data = super().clean()
        eligible, present = data.get("eligible_count"), data.get("present_count")
        if eligible is not None and present is not None and present > eligible:
            self.add_error("present_count", _("实到人数不能多于应到人数。"))
        notice, held = data.get("notice_date"), data.get("held_at")
        if notice and held and notice > timezone.localdate(held):
            self.add_error("notice_date", _("通知日期不能晚于召开日期。"))
        if not self.errors and data.get("kind"):
            self.broken_rules = broken_rules(data["kind"], eligible=eligible, present=present, notice_date=notice,
                                             held_on=timezone.localdate(held))
            if self.broken_rules and not data.get("record_anyway"):
                self.fields["record_anyway"].widget = forms.CheckboxInput()
                raise forms.ValidationError(
                    _("按规定，此会议不能作出决议：%(rules)s。如会议已经召开、需要如实登记，请勾选下方确认后再保存；"
                      "会议将标记为“不能作出决议”，其议题不能表决。") % {"rules": "；".join(self.broken_rules)}
                )
        return data


def broken_rules(kind: str, *, eligible: int, present: int, notice_date, held_on) -> list[str]:
    """The legal rules a meeting of these figures breaks (empty when it may resolve)."""
    broken = []
    if not rules.quorum_met(kind, eligible=eligible, present=present):
        broken.append(_("未达到法定人数（%(rule)s；应到 %(eligible)s 人，实到 %(present)s 人）") % {
            "rule": rules.QUORUM_RULES[kind], "eligible": eligible, "present": present})
    if not rules.notice_ok(kind, notice_date=notice_date, held_on=held_on):
        days = (held_on - notice_date).days
        broken.append(_("未按规定提前通知（%(rule)s；本次提前 %(days)s 天）") % {"rule": rules.NOTICE_RULE, "days": days})
    return [str(b) for b in broken]


class TopicForm(forms.Form):
    title = forms.CharField(label=_("议题"), max_length=200)
    description = forms.CharField(label=_("议题说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    source_case = forms.CharField(
        label=_("来源事项编号"), max_length=32, required=False, help_text=_("如议题来自说事事项，填写事项编号。")
    )
    source_visit = forms.ModelChoiceField(
        label=_("来源走访"), queryset=Visit.objects.none(), required=False, empty_label=_("无")
    )

    def __init__(self, *args, cases=None, visits=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.cases = cases if cases is not None else Case.objects.none()
        self.fields["source_visit"].queryset = visits if visits is not None else Visit.objects.none()
        self.helper = _helper(_("添加议题"))

    def clean_source_case(self):
        number = self.cleaned_data["source_case"].strip()
        if not number:
            return None
        case = self.cases.filter(number=number).first()
        if case is None:
            raise forms.ValidationError(_("本村没有编号为 %(number)s 的事项。") % {"number": number})
        return case


class VoteForm(forms.Form):
    votes_for = forms.IntegerField(label=_("赞成"), min_value=0, widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    votes_against = forms.IntegerField(label=_("反对"), min_value=0, widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    abstentions = forms.IntegerField(label=_("弃权"), min_value=0, widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    resolution_text = forms.CharField(label=_("决议内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("记录表决结果"))


class MajorMatterForm(forms.ModelForm):
    class Meta:
        model = MajorMatter
        fields = ["center", "title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, centers, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["center"].queryset = centers
        self.fields["center"].empty_label = None
        self.helper = _helper(_("登记重大事项"))


class AdvanceMatterForm(forms.Form):
    step = forms.ChoiceField(label=_("步骤"), choices=MatterStep.choices)
    done_on = forms.DateField(label=_("完成日期"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("情况说明"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    resolution = forms.ModelChoiceField(
        label=_("会议决议（决议步骤必填）"), queryset=Resolution.objects.none(), required=False
    )

    def __init__(self, *args, resolutions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resolution"].queryset = resolutions
        self.fields["resolution"].label_from_instance = lambda r: f"{r.topic.meeting.title} · {r.topic.title}"
        self.helper = _helper(_("记录此步骤"))


class DocumentForm(forms.ModelForm):
    class Meta:
        model = CenterDocument
        fields = ["center", "kind", "title", "adopted_on", "file"]
        widgets = {"adopted_on": forms.DateInput(attrs={"type": "date"})}
        help_texts = {"file": _("PDF 或图片（JPG、PNG、WEBP），不超过上传大小限制。")}

    def __init__(self, *args, centers, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["center"].queryset = centers
        self.fields["center"].empty_label = None
        self.helper = _helper(_("上传"))

    def clean_file(self):
        return validate_upload(self.cleaned_data["file"], kinds=EVIDENCE_KINDS)  # the checked, re-encoded file
