from __future__ import annotations

import uuid

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext_lazy as _

from .models import Member


class MemberForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = ["name", "phone", "title", "roles", "joined_on"]
        widgets = {
            "roles": forms.CheckboxSelectMultiple,
            "joined_on": forms.DateInput(attrs={"type": "date"}),
            "phone": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("保存")))


class RetireMemberForm(forms.Form):
    retired_on = forms.DateField(label=_("退出日期"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("确认退出"), css_class="btn-warning"))


class LoginForm(AuthenticationForm):
    """Django's login form with Chinese labels and phone-friendly inputs."""

    username = forms.CharField(
        label=_("用户名"), max_length=150, widget=forms.TextInput(attrs={"autofocus": True, "autocapitalize": "none"})
    )
    password = forms.CharField(
        label=_("密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


def form_status(*forms: forms.Form | None) -> int:
    """400 when any submitted form is invalid, so a refused input is never answered 200."""
    return 400 if any(form is not None and form.is_bound and not form.is_valid() for form in forms) else 200


CLIENT_TOKEN_FIELD = "client_token"


class ClientTokenField(forms.UUIDField):
    """A hidden id made for each filled-in form (by the page, or by the phone for a form kept offline).

    The server creates at most one object per id, so a resubmission after a lost response finds the first.
    """

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.HiddenInput(attrs={"data-client-token": "1"}))
        kwargs.setdefault("initial", uuid.uuid4)
        super().__init__(**kwargs)


def posted_client_token(data) -> uuid.UUID | None:
    """The client token of a POST, or None when absent or malformed (the form then reports it)."""
    try:
        return uuid.UUID(str(data.get(CLIENT_TOKEN_FIELD, "")))
    except ValueError:
        return None


# A form kept on a phone without signal is sent later by the page's script (static/js/offline-store.js) with this
# header; it is answered in JSON so the phone can drop the draft once sent or bring it back marked for correction.
DRAFT_HEADER = "X-Offline-Draft"


def is_draft_submission(request: HttpRequest) -> bool:
    return request.headers.get(DRAFT_HEADER) == "1"


def draft_saved(url: str, *, created: bool, label: str = "") -> JsonResponse:
    """The case or visit the draft made (201), or the one its client token had already made (200)."""
    return JsonResponse(
        {"status": "created" if created else "exists", "url": url, "label": label}, status=201 if created else 200
    )


def draft_refused(errors: dict[str, list[str]], *, status: str = "invalid") -> JsonResponse:
    """422: the phone keeps the draft, marked for correction, with the errors beside the fields they concern."""
    return JsonResponse({"status": status, "errors": errors}, status=422)


def form_errors(*forms: forms.Form) -> dict[str, list[str]]:
    """Every field error keyed by the posted field name (formset forms carry their prefix), non-field as __all__."""
    errors: dict[str, list[str]] = {}
    for form in forms:
        for field, messages in form.errors.items():
            name = "__all__" if field == "__all__" else form.add_prefix(field)
            errors.setdefault(name, []).extend(str(message) for message in messages)
    return errors
