"""Forms of the resident pages: a matter brought online, and the progress lookup."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pinggu_center.uploads import IMAGE_KINDS
from pinggu_center.validators import validate_phone_or_landline

from ..models import Category
from ..uploads import check_attachment
from . import guards

MAX_PHOTOS = 3


class PhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotoField(forms.FileField):
    """Up to three photos, each checked by its own bytes."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", PhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list:
        files = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if len(files) > MAX_PHOTOS:
            raise ValidationError(_("最多上传 %(count)d 张照片。") % {"count": MAX_PHOTOS})
        cleaned = [super(PhotoField, self).clean(item, initial) for item in files]
        checked = [check_attachment(upload) for upload in cleaned]  # size and type checked, photos re-encoded
        if any(upload.kind not in IMAGE_KINDS for upload in checked):
            raise ValidationError(_("只能上传 JPG、PNG 或 WebP 照片。"))
        return checked


class ChallengeMixin(forms.Form):
    """A hidden signed token and the resident's answer to its sum."""

    challenge = forms.CharField(widget=forms.HiddenInput, max_length=300)
    answer = forms.IntegerField(label=_("验证"), min_value=0, max_value=100)

    def set_challenge(self) -> None:
        """Give the form a fresh sum (on every display, so a used or stale one is never shown again)."""
        challenge = guards.new_challenge()
        self.data = self.data.copy() if self.is_bound else self.data
        if self.is_bound:
            self.data["challenge"], self.data["answer"] = challenge.token, ""
        self.initial["challenge"] = challenge.token
        self.fields["answer"].label = _("请计算：%(question)s") % {"question": challenge.question}

    def clean(self) -> dict:
        cleaned = super().clean()
        if not self.errors and not guards.solve(cleaned.get("challenge", ""), cleaned.get("answer")):
            raise ValidationError(_("验证答案不正确或已过期，请重新计算。"))
        return cleaned


class ReportForm(ChallengeMixin):
    name = forms.CharField(label=_("您的姓名"), max_length=50)
    phone = forms.CharField(label=_("联系电话"), max_length=20, validators=[validate_phone_or_landline],
                            help_text=_("用于联系您，查询进度时需要后四位。"))
    description = forms.CharField(label=_("发生了什么"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5}))
    address = forms.CharField(label=_("地点"), max_length=200, required=False)
    category = forms.ModelChoiceField(label=_("类别（可不选）"), queryset=Category.objects.none(), required=False, to_field_name="code",
                                      empty_label=_("不确定"))
    photos = PhotoField(label=_("照片（可选，最多 3 张）"), required=False)
    field_order = ["name", "phone", "description", "address", "category", "photos", "answer", "challenge"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(active=True).order_by("sort_order", "code")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("submit", _("提交"), css_class="btn-danger w-100"))


class TrackForm(forms.Form):
    number = forms.CharField(label=_("查询编号"), max_length=32, help_text=_("提交时显示的事项编号，如 PG-YK-2026-00042。"))
    phone_last4 = forms.RegexField(label=_("联系电话后四位"), regex=r"^[0-9]{4}$", max_length=4,
                                   error_messages={"invalid": _("请输入 4 位数字。")})

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("submit", _("查询"), css_class="btn-danger w-100"))

    def clean_number(self) -> str:
        return self.cleaned_data["number"].strip().upper()
