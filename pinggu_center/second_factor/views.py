from __future__ import annotations

import base64

import segno
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..forms import form_status
from ..models import SecondFactor
from . import services, totp
from .forms import CodeForm
from .middleware import VERIFIED, mark_required

MAX_FAILURES = 5
FAILURES = "second_factor_failures"


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Show the secret to scan and take the first code; or offer to remove an active factor."""
    if not services.may_enrol(request.user):
        raise Http404
    factor = SecondFactor.objects.filter(user=request.user).first()
    if factor is not None and factor.is_active:
        return render(request, "pinggu_center/second_factor_active.html", {"form": CodeForm(submit_label=_("停用"), form_tag=False)})
    factor = services.start_enrolment(user=request.user)
    form = CodeForm(request.POST or None, submit_label=_("启用"))
    if request.method == "POST" and form.is_valid():
        try:
            services.confirm_enrolment(user=request.user, code=form.cleaned_data["code"], request=request)
        except services.SecondFactorError as error:
            form.add_error("code", str(error))
        else:
            request.session[VERIFIED] = True
            mark_required(request, True)
            messages.success(request, _("两步验证已启用，今后登录时需输入验证码。"))
            return redirect("home")
    uri = totp.provisioning_uri(factor.secret, request.user.username, "平谷区说事评理议事普法中心")
    qr = base64.b64encode(segno.make(uri, error="m").svg_inline(scale=4).encode()).decode()
    context = {"form": form, "secret": factor.secret, "qr": qr}
    return render(request, "pinggu_center/second_factor_setup.html", context, status=form_status(form))


@login_required
@require_POST
def remove(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST)
    try:
        if not form.is_valid():
            raise services.SecondFactorError(_("请输入验证器中当前显示的 6 位数字。"), code="code_format")
        services.remove(user=request.user, code=form.cleaned_data["code"], request=request)
    except (services.SecondFactorError, SecondFactor.DoesNotExist) as error:
        messages.error(request, str(error) if isinstance(error, services.SecondFactorError) else _("未启用两步验证。"))
    else:
        mark_required(request, False)
        messages.success(request, _("两步验证已停用。"))
    return redirect("second_factor_setup")


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The code page after the password; five wrong codes end the login."""
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.verify(user=request.user, code=form.cleaned_data["code"])
        except (services.SecondFactorError, SecondFactor.DoesNotExist) as error:
            failures = request.session.get(FAILURES, 0) + 1
            request.session[FAILURES] = failures
            if failures >= MAX_FAILURES:
                logout(request)
                messages.error(request, _("验证码错误次数过多，请重新登录。"))
                return redirect("login")
            form.add_error("code", str(error) if isinstance(error, services.SecondFactorError) else _("未启用两步验证。"))
        else:
            request.session[VERIFIED] = True
            request.session.pop(FAILURES, None)
            target = request.GET.get("next", "")
            if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                return redirect(target)
            return redirect("home")
    return render(request, "pinggu_center/second_factor_verify.html", {"form": form}, status=form_status(form))
