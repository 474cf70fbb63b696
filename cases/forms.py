"""Forms of the case pages: intake with its parties formset, and one small form per action."""

from __future__ import annotations

from datetime import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout, Submit
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pinggu_center.forms import ClientTokenField
from pinggu_center.models import Department, Division, Level
from pinggu_center.validators import validate_id_number, validate_phone_or_landline

from .mediation_report import forms as report_forms
from .models import Agreement, Case, Category, FollowUp, Party, Transfer
from .permissions import can_choose_joint_path
from .uploads import check_attachment

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TEXT = forms.Textarea(attrs={"rows": 3})


def _helper(submit: str, *, form_tag: bool = True, css: str = "btn-danger") -> FormHelper:
    helper = FormHelper()
    helper.form_tag = form_tag
    if submit:
        helper.add_input(Submit("submit", submit, css_class=css))
    return helper


def departments_for(division: Division):
    """Active departments of the case's town and of the district."""
    town = division.parent
    return Department.objects.filter(Q(division=town) | Q(division__level=Level.DISTRICT), active=True).order_by(
        "division__level", "name"
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several photos or PDFs; each one sniffed by its bytes."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        cleaned = [super(MultipleFileField, self).clean(item, initial) for item in files]
        return [check_attachment(upload) for upload in cleaned]  # size and type checked, photos re-encoded


class IntakeForm(forms.Form):
    source = forms.ChoiceField(label=_("来源"), choices=Case.Source.choices, initial=Case.Source.RECEPTION)
    category = forms.ModelChoiceField(label=_("类别"), queryset=Category.objects.filter(active=True))
    kind = forms.ChoiceField(label=_("事项性质"), choices=Case.Kind.choices, initial=Case.Kind.DISPUTE)
    title = forms.CharField(label=_("事由"), max_length=100)
    description = forms.CharField(label=_("事情经过"), widget=forms.Textarea(attrs={"rows": 4}))
    occurred_on = forms.DateField(label=_("发生日期"), required=False, widget=DATE)
    location_text = forms.CharField(label=_("地点"), max_length=200, required=False)
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Case.Urgency.choices, initial=Case.Urgency.NORMAL)
    attachments = MultipleFileField(label=_("照片或材料（可多选）"), required=False)
    accepted_elsewhere = forms.BooleanField(label=_("法院、公安或其他机关是否已受理？（是请勾选）"), required=False)
    reserved_by_law = forms.BooleanField(label=_("法律是否规定由其他机关处理？（是请勾选）"), required=False)
    transfer_to = forms.ModelChoiceField(label=_("移交的部门或法院"), queryset=Department.objects.none(), required=False)
    rights_informed = forms.BooleanField(label=_("已向当事人告知权利义务"), required=True)
    confirm_not_duplicate = forms.BooleanField(
        label=_("我已核对，确认不是重复事项"), required=False, widget=forms.HiddenInput
    )
    client_token = ClientTokenField()

    def __init__(self, *args, division: Division, grid: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["transfer_to"].queryset = departments_for(division)
        self.grid = grid
        if grid:
            self.fields["source"].initial = Case.Source.GRID
            self.fields["source"].disabled = True
            self.fields["location_text"].required = True
            self.fields["location_text"].label = _("地点（请写明网格、门牌或位置）")
            self.fields["location_text"].widget.attrs["class"] = "form-control-lg border-danger"
        self.helper = _helper("", form_tag=False)

    def show_duplicate_confirmation(self) -> None:
        self.fields["confirm_not_duplicate"].widget = forms.CheckboxInput()

    def clean(self) -> dict:
        data = super().clean()
        if (data.get("accepted_elsewhere") or data.get("reserved_by_law")) and not data.get("transfer_to"):
            self.add_error("transfer_to", _("已由其他机关受理或依法应由其他机关处理的事项，请选择移交的部门或法院。"))
        return data


class PartyForm(forms.Form):
    role = forms.ChoiceField(label=_("身份"), choices=Party.Role.choices)
    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(
        label=_("电话"), max_length=20, validators=[validate_phone_or_landline],
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    id_number = forms.CharField(label=_("身份证号（选填）"), max_length=18, required=False, validators=[validate_id_number])
    address = forms.CharField(label=_("住址（选填）"), max_length=200, required=False)

    def clean_id_number(self) -> str:
        return self.cleaned_data["id_number"].upper()


class BasePartyFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        filled = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if not filled:
            raise forms.ValidationError(_("至少需要一名当事人。"))


PartyFormSet = forms.formset_factory(PartyForm, formset=BasePartyFormSet, extra=0, min_num=1, validate_min=True,
                                     max_num=20, validate_max=True)


def party_helper() -> FormHelper:
    helper = _helper("", form_tag=False)
    helper.disable_csrf = True
    return helper


class ActionForm(forms.Form):
    """Every action posts the case version it was drawn with; a stale form is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    submit_label = _("提交")

    def __init__(self, *args, case: Case | None = None, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.case, self.user = case, user
        if case is not None and not self.is_bound:
            self.fields["version"].initial = case.version
        self.helper = _helper(str(self.submit_label))


def _future(value: datetime | None) -> datetime | None:
    if value is not None and value <= timezone.now():
        raise forms.ValidationError(_("期限须晚于现在。"))
    return value


class ChoosePathForm(ActionForm):
    path = forms.ChoiceField(label=_("办理路径"), choices=Case.Path.choices, widget=forms.RadioSelect)
    legal_method = forms.ChoiceField(label=_("法治方式"), choices=[("", "---------"), *Case.LegalMethod.choices],
                                     required=False)
    legal_basis = forms.CharField(label=_("法律依据（讲法）"), widget=TEXT, required=False)
    submit_label = _("确定路径")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.case is not None and self.user is not None and not can_choose_joint_path(self.case, self.user):
            # The joint path is the director's call: a cadre is not offered it.
            self.fields["path"].choices = [c for c in Case.Path.choices if c[0] != Case.Path.JOINT]
        # 法治方式 and 法律依据 belong to the legal path only: static/js/case-actions.js shows them when it is chosen.
        self.helper.layout = Layout(
            "version", "path", Div("legal_method", "legal_basis", css_id="legal-fields", data_path_only="legal"),
        )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("path") == Case.Path.LEGAL and not data.get("legal_method"):
            self.add_error("legal_method", _("法治事件剖析评须选择处置方式。"))
        return data


class SessionForm(ActionForm):
    held_at = forms.DateTimeField(label=_("时间"), widget=DATETIME)
    place = forms.CharField(label=_("地点"), max_length=100)
    mediators = forms.CharField(label=_("调解人员"), max_length=200)
    parties_present = forms.CharField(label=_("到场当事人"), max_length=200)
    record = forms.CharField(label=_("调解经过"), widget=TEXT)
    outcome = forms.CharField(label=_("结果"), max_length=200)
    submit_label = _("保存调解记录")


class WhistleForm(ActionForm):
    matter = forms.CharField(label=_("吹哨事由"), widget=TEXT)
    departments = forms.ModelMultipleChoiceField(label=_("被吹哨部门"), queryset=Department.objects.none(),
                                                 widget=forms.CheckboxSelectMultiple)
    report_in_due = forms.DateTimeField(label=_("报到期限（不填按规定工作日计算）"), widget=DATETIME, required=False)
    submit_label = _("吹哨")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.case is not None:
            self.fields["departments"].queryset = departments_for(self.case.division)

    def clean_report_in_due(self) -> datetime | None:
        return _future(self.cleaned_data.get("report_in_due"))


class ReportInForm(ActionForm):
    note = forms.CharField(label=_("报到说明"), widget=TEXT, required=False)
    attended = forms.BooleanField(label=_("参加联合调解"), required=False, initial=True)
    submit_label = _("报到")


class RateForm(ActionForm):
    rating = forms.TypedChoiceField(label=_("评分"), coerce=int, choices=[(i, str(i)) for i in range(5, 0, -1)])
    comment = forms.CharField(label=_("评价"), widget=TEXT, required=False)
    submit_label = _("评价")


class AgreementForm(ActionForm):
    parties_details = forms.CharField(label=_("当事人基本情况"), widget=TEXT)
    facts = forms.CharField(label=_("纠纷主要事实"), widget=TEXT)
    disputed_matters = forms.CharField(label=_("争议事项及各方责任"), widget=TEXT)
    terms = forms.CharField(label=_("协议内容"), widget=TEXT)
    performance = forms.CharField(label=_("履行方式"), widget=TEXT)
    performance_due = forms.DateField(label=_("履行期限"), widget=DATE)
    effective_on = forms.DateField(label=_("生效日期"), widget=DATE)
    mediator_name = forms.CharField(label=_("人民调解员"), max_length=50)
    signatures_recorded = forms.BooleanField(label=_("各方当事人已签名、盖章或按指印，调解员已签名并加盖印章"))
    submit_label = _("保存调解协议书")

    FIELDS = ("parties_details", "facts", "disputed_matters", "terms", "performance", "performance_due",
              "effective_on", "mediator_name", "signatures_recorded")


class ConfirmationForm(ActionForm):
    applied_on = forms.DateField(label=_("申请司法确认日期"), widget=DATE)
    court = forms.ModelChoiceField(label=_("受理法院"), queryset=Department.objects.filter(kind=Department.Kind.COURT,
                                                                                          active=True))
    result = forms.ChoiceField(label=_("确认结果"), choices=Agreement.ConfirmationResult.choices)
    submit_label = _("记录司法确认")


class ArchiveForm(ActionForm):
    outcome = forms.ChoiceField(label=_("办理结果"), choices=Case.Outcome.choices)
    summary = forms.CharField(label=_("总结"), widget=TEXT)
    confirm_no_path = forms.BooleanField(label=_("此事项从未确定办理路径，我确认直接归档"), required=True)
    submit_label = _("总结归档")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.case is None or self.case.path:
            del self.fields["confirm_no_path"]  # only a case that never had a path asks for confirmation
        # A dispute asks the people's-mediation report fields (unless a locked period already counts it).
        self.asks_report = self.case is not None and report_forms.asks_report(self.case)
        if self.asks_report:
            report_forms.add_report_fields(self)
            if not self.is_bound:
                self.initial.update(report_forms.archive_initial(self.case))
            confirm = ["confirm_no_path"] if "confirm_no_path" in self.fields else []
            self.helper.layout = Layout("version", "outcome", "summary", *confirm, report_forms.report_fieldset())

    def clean(self) -> dict:
        data = super().clean()
        data["report"] = None
        if self.asks_report and data.get("outcome") in report_forms.REPORTABLE_OUTCOMES:
            data["report"] = report_forms.clean_report(self, data, case=self.case, outcome=data["outcome"])
        return data


class EscalateForm(ActionForm):
    reason = forms.CharField(label=_("提级理由"), widget=TEXT)
    submit_label = _("提级上报")


class TransferForm(ActionForm):
    target = forms.ChoiceField(label=_("移交对象"), choices=Transfer.Target.choices)
    department = forms.ModelChoiceField(label=_("接收部门或法院"), queryset=Department.objects.none(), required=False)
    reason = forms.CharField(label=_("移交理由"), widget=TEXT)
    feedback_due = forms.DateTimeField(label=_("反馈期限（不填按规定计算）"), widget=DATETIME, required=False)
    submit_label = _("移交")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.case is not None:
            self.fields["department"].queryset = departments_for(self.case.division)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("target") != Transfer.Target.ENFORCEMENT and not data.get("department"):
            self.add_error("department", _("请选择接收部门或法院。"))
        if data.get("feedback_due") and data["feedback_due"] <= timezone.now():
            self.add_error("feedback_due", _("期限须晚于现在。"))
        return data


class FeedbackForm(ActionForm):
    feedback = forms.CharField(label=_("反馈"), widget=TEXT)
    reference = forms.CharField(label=_("对方编号"), max_length=64, required=False)
    submit_label = _("提交反馈")


class FollowUpForm(ActionForm):
    performance = forms.ChoiceField(label=_("协议履行"), choices=FollowUp.Performance.choices)
    risk = forms.CharField(label=_("遗留风险"), widget=TEXT, required=False)
    satisfaction = forms.ChoiceField(label=_("满意度"), choices=FollowUp.Satisfaction.choices)
    note = forms.CharField(label=_("备注"), widget=TEXT, required=False)
    reopen = forms.TypedChoiceField(
        label=_("当事人不满意时"), widget=forms.RadioSelect, coerce=lambda value: value == "yes", initial="yes",
        choices=[("yes", _("重新办理（默认）")), ("no", _("不重新办理，写明理由"))], required=False, empty_value=None,
    )
    keep_closed_reason = forms.CharField(label=_("不重新办理的理由"), widget=TEXT, required=False)
    submit_label = _("保存回访")

    def clean(self) -> dict:
        data = super().clean()
        if data.get("satisfaction") != FollowUp.Satisfaction.UNSATISFIED:
            data["reopen"], data["keep_closed_reason"] = False, ""  # only 不满意 reopens
        elif data.get("reopen") is False and not (data.get("keep_closed_reason") or "").strip():
            self.add_error("keep_closed_reason", _("当事人不满意而不重新办理的，须写明理由。"))
        return data


class ExtendForm(ActionForm):
    new_due = forms.DateTimeField(label=_("新的办结期限"), widget=DATETIME)
    consent = forms.CharField(label=_("双方当事人同意的情况"), widget=TEXT)
    submit_label = _("延长期限")

    def clean_new_due(self) -> datetime:
        return _future(self.cleaned_data["new_due"])


class ReviewForm(ActionForm):
    note = forms.CharField(label=_("点评"), widget=TEXT)
    submit_label = _("提交点评")


class AttachForm(ActionForm):
    files = MultipleFileField(label=_("照片或材料（可多选）"))
    submit_label = _("上传")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper.form_tag = True
        self.helper.attrs = {"enctype": "multipart/form-data"}
