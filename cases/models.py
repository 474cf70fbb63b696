"""A case (事项) and everything recorded on it: parties, path, whistles, sessions, agreement, closures, follow-ups.

The timeline (`CaseEvent`) is append-only; cases are never deleted. State changes live in services.py.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from pinggu_center.models import Center, Department, Division, Level, User
from pinggu_center.scopes import division_filter
from pinggu_center.uploads import CONTENT_TYPES
from pinggu_center.validators import mask_id_number, mask_phone


class Category(models.Model):
    """The standard categories of mediation statistics; the district edits them in the admin."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    active = models.BooleanField(_("在用"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("事项类别")
        verbose_name_plural = _("事项类别")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> CaseQuerySet:
        """The one scoping function for cases: the user's subtree, plus what is addressed to their department."""
        scope = division_filter(user, "division")
        if user.role == User.Role.DEPARTMENT_STAFF and user.department_id:
            scope |= Q(
                Exists(Summons.objects.filter(whistle__case=OuterRef("pk"), department_id=user.department_id))
            ) | Q(Exists(Transfer.objects.filter(case=OuterRef("pk"), department_id=user.department_id)))
        return self.filter(scope)

    def open(self) -> CaseQuerySet:
        return self.exclude(status=Case.Status.CLOSED)

    def overdue(self, now=None) -> CaseQuerySet:
        return self.open().filter(resolution_due__lt=now or timezone.now())


class Case(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("已登记")
        HANDLING = "handling", _("办理中")
        TRANSFERRED = "transferred", _("已移交")
        CLOSED = "closed", _("已办结")

    class Source(models.TextChoices):
        RECEPTION = "reception", _("日常/定期接待")
        VISIT = "visit", _("入户走访")
        HOTLINE = "hotline", _("12345 热线")
        GRID = "grid", _("网格上报")
        PETITION = "petition", _("信访")
        ONLINE = "online", _("线上接件")
        OTHER = "other", _("其他")

    class Kind(models.TextChoices):
        DISPUTE = "dispute", _("矛盾纠纷")
        REQUEST = "request", _("诉求建议")
        PETITION = "petition", _("信访事项")
        ENFORCEMENT = "enforcement", _("执法类事项")

    class Urgency(models.TextChoices):
        NORMAL = "normal", _("一般")
        URGENT = "urgent", _("紧急")

    class Path(models.TextChoices):
        DIRECT = "direct", _("简易事项直接评")
        JOINT = "joint", _("复杂矛盾联合评")
        LEGAL = "legal", _("法治事件剖析评")

    class LegalMethod(models.TextChoices):
        ADMONITION = "admonition", _("劝诫处置")
        PEOPLES = "peoples", _("人民调解")
        ADMINISTRATIVE = "administrative", _("行政调解")
        JUDICIAL = "judicial", _("司法调解")

    class Closure(models.TextChoices):
        ARCHIVE = "archive", _("总结归档")
        ESCALATE = "escalate", _("提级上报")
        TRANSFER = "transfer", _("移交处置")

    class Outcome(models.TextChoices):
        RESOLVED = "resolved", _("已化解")
        UNRESOLVED = "unresolved", _("未化解")
        WITHDRAWN = "withdrawn", _("撤回")

    number = models.CharField(_("事项编号"), max_length=32, unique=True)
    center = models.ForeignKey(Center, verbose_name=_("受理中心"), on_delete=models.PROTECT, related_name="cases")
    division = models.ForeignKey(
        Division, verbose_name=_("所在村/社区"), on_delete=models.PROTECT, related_name="cases"
    )
    level = models.CharField(_("办理层级"), max_length=16, choices=Level.choices, default=Level.VILLAGE)
    holder = models.ForeignKey(
        Division, verbose_name=_("当前承办"), on_delete=models.PROTECT, related_name="held_cases"
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.REGISTERED)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    kind = models.CharField(_("事项性质"), max_length=16, choices=Kind.choices, default=Kind.DISPUTE)
    category = models.ForeignKey(Category, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="cases")
    title = models.CharField(_("事由"), max_length=100)
    description = models.TextField(_("事情经过"))
    # The parties' names, written with the case (parties are never changed after): the keyword search finds a
    # case by them in the case's own row and index, in the ledger's order (cases/search.py).
    party_names = models.TextField(_("当事人姓名"), blank=True, default="", editable=False)
    occurred_on = models.DateField(_("发生日期"), null=True, blank=True)
    location_text = models.CharField(_("地点"), max_length=200, blank=True)
    urgency = models.CharField(_("紧急程度"), max_length=16, choices=Urgency.choices, default=Urgency.NORMAL)
    rights_informed = models.BooleanField(_("已告知权利义务"), default=False)
    accepted_elsewhere = models.BooleanField(_("法院、公安或其他机关已受理"), default=False)
    reserved_by_law = models.BooleanField(_("法律规定由其他机关处理"), default=False)

    path = models.CharField(_("办理路径"), max_length=16, choices=Path.choices, blank=True)
    legal_method = models.CharField(_("法治方式"), max_length=16, choices=LegalMethod.choices, blank=True)
    legal_basis = models.TextField(_("法律依据（讲法）"), blank=True)

    closure = models.CharField(_("最近结束方式"), max_length=16, choices=Closure.choices, blank=True)
    outcome = models.CharField(_("结果"), max_length=16, choices=Outcome.choices, blank=True)
    summary = models.TextField(_("总结"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # Kept by the services so the review rates read one row per case instead of a subquery per case.
    escalated_at = models.DateTimeField(_("首次提级时间"), null=True, blank=True)
    satisfaction = models.CharField(_("最近回访满意度"), max_length=16, blank=True)

    registered_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.PROTECT
    )
    level_since = models.DateTimeField(_("到达本层级时间"), default=timezone.now)
    responded_at = models.DateTimeField(_("首次响应时间"), null=True, blank=True)
    response_due = models.DateTimeField(_("响应期限"), null=True, blank=True)
    resolution_due = models.DateTimeField(_("办结期限"), null=True, blank=True)
    extension_consent = models.TextField(_("延期（双方同意记录）"), blank=True)
    reminded_for_due = models.DateTimeField(_("已提醒的期限"), null=True, blank=True)

    # Bumped by every service; a form posts the version it showed, so a stale form is refused, not merged.
    version = models.PositiveIntegerField(default=0)

    hotline_order_no = models.CharField(_("12345 工单号"), max_length=64, null=True, blank=True, unique=True)
    hotline_reply_by = models.DateTimeField(_("12345 答复期限"), null=True, blank=True)
    hotline_request_hash = models.CharField(max_length=64, blank=True)
    public_token = models.CharField(_("查询码"), max_length=32, blank=True, db_index=True)
    # Made by the submitting form (or the phone, for a form kept offline); unique, so a resubmission after a lost
    # response, or the same draft sent twice at once, finds the case already registered instead of making another.
    client_token = models.UUIDField(_("提交标识"), null=True, blank=True, unique=True, editable=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("事项")
        verbose_name_plural = _("事项")
        ordering = ["-registered_at", "-id"]
        indexes = [
            # The ledger finds its rows as keys in its order (pinggu_center.paging): these indexes hold the key and,
            # for a town's or a village's ledger, the village, so that is read from the index alone.
            models.Index(fields=["division", "-registered_at", "-id"], name="case_division_recent"),
            models.Index(fields=["holder", "status"], name="case_holder_status"),
            models.Index(fields=["status", "resolution_due"], name="case_status_due"),
            models.Index(fields=["-registered_at", "-id"], name="case_recent", include=["division_id"]),
            models.Index(fields=["category", "registered_at"], name="case_category_date"),
            # Each filter of the ledger, in the ledger's order, so a rare value finds its 25 newest rows at once.
            models.Index(fields=["level", "-registered_at", "-id"], name="case_level_recent", include=["division_id"]),
            models.Index(fields=["status", "-registered_at", "-id"], name="case_status_recent", include=["division_id"]),
            models.Index(fields=["closure", "-registered_at", "-id"], name="case_closure_recent", include=["division_id"]),
            models.Index(fields=["source", "-registered_at", "-id"], name="case_source_recent", include=["division_id"]),
            # The live figures of the summary pages: open cases with a deadline, cases awaiting a first response.
            models.Index(
                fields=["resolution_due"], name="case_open_due",
                condition=~Q(status="closed") & Q(resolution_due__isnull=False),
            ),
            # The open cases with a deadline by recency, with what the overdue filter and the review pages' live
            # counts read, so both are index-only scans of the few open cases, not walks of the million (the
            # unanswered cases' index below carries the same columns for the count of cases not judged yet).
            models.Index(
                fields=["-registered_at", "-id"], name="case_open_recent", include=["resolution_due", "division_id"],
                condition=~Q(status="closed") & Q(resolution_due__isnull=False),
            ),
            # The follow-ups due, oldest closure first: without it the workbench sorts every case the village closed.
            models.Index(fields=["holder", "closed_at"], name="case_closed_by_holder", condition=Q(status="closed")),
            models.Index(
                fields=["response_due"], name="case_awaiting_response", include=["registered_at", "division_id"],
                condition=Q(responded_at__isnull=True, response_due__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="closed") | (~Q(closure="") & Q(closed_at__isnull=False)),
                name="closed_case_has_closure",
            ),
            models.CheckConstraint(
                condition=~Q(closure="archive", status="closed") | ~Q(outcome=""),
                name="archived_case_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("cases:case_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.resolution_due is not None and self.resolution_due < timezone.now()

    @cached_property
    def progress(self):
        """Where the case is and who it waits on, as a person reads it (cases/progress.py)."""
        from .progress import case_progress

        return case_progress(self)


class Party(models.Model):
    class Role(models.TextChoices):
        APPLICANT = "applicant", _("申请人")
        RESPONDENT = "respondent", _("被申请人")
        OTHER = "other", _("其他当事人")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="parties")
    role = models.CharField(_("身份"), max_length=16, choices=Role.choices, default=Role.APPLICANT)
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("电话"), max_length=20, blank=True)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    address = models.CharField(_("住址"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")
        ordering = ["case", "role", "pk"]
        indexes = [models.Index(fields=["phone"], name="party_phone")]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)


def attachment_path(instance: Attachment, filename: str) -> str:
    """A random name whose extension is the kind detected from the file's bytes, never the one the client sent.

    Files are served only through a scoped view; the stored name carries no personal data.
    """
    kind = next((kind for kind, content_type in CONTENT_TYPES.items() if content_type == instance.content_type), "bin")
    return f"cases/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{kind}"


class Attachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=attachment_path)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=64)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class CaseEvent(models.Model):
    """One line of the timeline; never updated or deleted."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("登记受理")
        PATH_CHOSEN = "path_chosen", _("确定办理路径")
        SESSION = "session", _("调解记录")
        WHISTLE = "whistle", _("吹哨")
        REPORTED_IN = "reported_in", _("部门报到")
        RATED = "rated", _("评价部门")
        AGREEMENT = "agreement", _("调解协议")
        CONFIRMATION = "confirmation", _("司法确认")
        ARCHIVED = "archived", _("总结归档")
        ESCALATED = "escalated", _("提级上报")
        ROUTED = "routed", _("上级接收")
        TRANSFERRED = "transferred", _("移交处置")
        FEEDBACK = "feedback", _("移交反馈")
        FOLLOW_UP = "follow_up", _("回访")
        REOPENED = "reopened", _("重新办理")
        EXTENDED = "extended", _("延长期限")
        REMINDED = "reminded", _("期限提醒")
        REVIEWED = "reviewed", _("区级点评")
        ATTACHMENT = "attachment", _("上传附件")
        REVEALED = "revealed", _("查看完整信息")
        NOTE = "note", _("工作记录")
        REPORT_EDITED = "report_edited", _("修改调解统计信息")

    # Kinds a resident may see on the public progress page (no notes of cadres, no party details).
    PUBLIC_KINDS = {
        Kind.REGISTERED, Kind.PATH_CHOSEN, Kind.ESCALATED, Kind.ROUTED, Kind.TRANSFERRED,
        Kind.ARCHIVED, Kind.FOLLOW_UP, Kind.REOPENED,
    }

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    at = models.DateTimeField(_("时间"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT
    )
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    from_level = models.CharField(max_length=16, blank=True)
    to_level = models.CharField(max_length=16, blank=True)
    # Only what a person wrote (a reason, a summary, a comment); the facts of the event live in `data`.
    note = models.TextField(_("说明"), blank=True)
    # The event's facts (codes, dates, names), rendered into a sentence when read: cases.timeline.describe.
    data = models.JSONField(_("事实"), default=dict, blank=True, db_default=models.Value({}, models.JSONField()))
    automatic = models.BooleanField(_("系统自动"), default=False)

    class Meta:
        verbose_name = _("事项轨迹")
        verbose_name_plural = _("事项轨迹")
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["case", "at"], name="event_case_time"),
            # What changed since …: the review counters are refreshed from the recent timeline.
            models.Index(fields=["at"], name="event_time"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_kind_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Case events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("Case events are append-only.")

    def describe(self) -> str:
        """The timeline line in the active language (cases.timeline)."""
        from .timeline import describe

        return describe(self)


class Whistle(models.Model):
    """吹哨: the center summons departments to report in by a deadline."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="whistles")
    matter = models.TextField(_("吹哨事由"))
    report_in_due = models.DateTimeField(_("报到期限"))
    blown_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    blown_at = models.DateTimeField(_("吹哨时间"), default=timezone.now)

    class Meta:
        verbose_name = _("吹哨")
        verbose_name_plural = _("吹哨")
        ordering = ["-blown_at"]
        indexes = [
            # The town page's latest whistles to its departments: walked newest first until twenty are found.
            models.Index(fields=["blown_at"], name="whistle_recent"),
            # The ledger's department filter reads each summoned whistle's case from the index alone.
            models.Index(fields=["id"], include=["case"], name="whistle_case_by_id"),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} {self.matter[:20]}"


class Summons(models.Model):
    """One summoned department of a whistle: its report-in, attendance and the director's rating."""

    whistle = models.ForeignKey(Whistle, on_delete=models.PROTECT, related_name="summonses")
    department = models.ForeignKey(Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="summonses")
    reported_at = models.DateTimeField(_("报到时间"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    report_note = models.TextField(_("报到说明"), blank=True)
    attended = models.BooleanField(_("参加联合调解"), default=False)
    rating = models.PositiveSmallIntegerField(_("评分"), null=True, blank=True)
    rating_comment = models.TextField(_("评价"), blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("报到")
        verbose_name_plural = _("报到")
        ordering = ["whistle", "department__name"]
        constraints = [
            models.UniqueConstraint(fields=["whistle", "department"], name="summons_unique_department"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="summons_rating_1_to_5"
            ),
        ]
        indexes = [
            models.Index(fields=["department", "reported_at"], name="summons_department_pending"),
            # The ledger's department filter: a department's whistles from the index alone, not its rows.
            models.Index(fields=["department"], include=["whistle"], name="summons_department_whistle"),
            # Every ledger row asks whether its case still waits for a report-in (progress.with_pending_summons):
            # the few summonses still waiting, not the tens of thousands already answered.
            models.Index(fields=["whistle"], condition=Q(reported_at__isnull=True), name="summons_pending_whistle"),
        ]

    def __str__(self) -> str:
        return f"{self.whistle_id} → {self.department}"

    @property
    def is_late(self) -> bool:
        due = self.whistle.report_in_due
        return (self.reported_at or timezone.now()) > due


class Session(models.Model):
    """调解记录: one mediation or hearing meeting."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="sessions")
    held_at = models.DateTimeField(_("时间"))
    place = models.CharField(_("地点"), max_length=100)
    mediators = models.CharField(_("调解人员"), max_length=200)
    parties_present = models.CharField(_("到场当事人"), max_length=200)
    record = models.TextField(_("调解经过"))
    outcome = models.CharField(_("结果"), max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("调解记录")
        verbose_name_plural = _("调解记录")
        ordering = ["held_at"]

    def __str__(self) -> str:
        return f"{self.case.number} {self.held_at:%Y-%m-%d}"


class Agreement(models.Model):
    """调解协议书, with what Art. 29 of the People's Mediation Law requires, and its judicial confirmation."""

    class ConfirmationResult(models.TextChoices):
        PENDING = "pending", _("审查中")
        CONFIRMED = "confirmed", _("已确认有效")
        REJECTED = "rejected", _("不予确认")

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="agreement")
    parties_details = models.TextField(_("当事人基本情况"))
    facts = models.TextField(_("纠纷主要事实"))
    disputed_matters = models.TextField(_("争议事项及各方责任"))
    terms = models.TextField(_("协议内容"))
    performance = models.TextField(_("履行方式"))
    performance_due = models.DateField(_("履行期限"))
    effective_on = models.DateField(_("生效日期"))
    signatures_recorded = models.BooleanField(_("各方已签名、盖章或按指印"), default=False)
    mediator_name = models.CharField(_("人民调解员"), max_length=50)
    confirmation_applied_on = models.DateField(_("申请司法确认日期"), null=True, blank=True)
    confirmation_court = models.ForeignKey(
        Department,
        verbose_name=_("受理法院"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": Department.Kind.COURT},
    )
    confirmation_result = models.CharField(
        _("确认结果"), max_length=16, choices=ConfirmationResult.choices, blank=True
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("调解协议书")
        verbose_name_plural = _("调解协议书")

    def __str__(self) -> str:
        return _("%(number)s 调解协议书") % {"number": self.case.number}

    @property
    def confirmation_deadline(self):
        from datetime import timedelta

        return self.effective_on + timedelta(days=settings.JUDICIAL_CONFIRMATION_DAYS)


class Transfer(models.Model):
    """移交处置: to a department, a court or the enforcement platform; closed when feedback arrives."""

    class Target(models.TextChoices):
        DEPARTMENT = "department", _("职能部门")
        COURT = "court", _("法院")
        ENFORCEMENT = "enforcement", _("执法平台（三协同）")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="transfers")
    target = models.CharField(_("移交对象"), max_length=16, choices=Target.choices)
    department = models.ForeignKey(
        Department, verbose_name=_("接收部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="transfers"
    )
    reason = models.TextField(_("移交理由"))
    feedback_due = models.DateTimeField(_("反馈期限"))
    transferred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    transferred_at = models.DateTimeField(default=timezone.now)
    feedback = models.TextField(_("反馈"), blank=True)
    feedback_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    external_reference = models.CharField(_("对方编号"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("移交")
        verbose_name_plural = _("移交")
        ordering = ["-transferred_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target="enforcement") | Q(department__isnull=False), name="transfer_has_receiver"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} → {self.department or self.get_target_display()}"


class FollowUp(models.Model):
    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", _("满意")
        BASICALLY = "basically", _("基本满意")
        UNSATISFIED = "unsatisfied", _("不满意")

    class Performance(models.TextChoices):
        PERFORMED = "performed", _("已履行")
        PARTLY = "partly", _("部分履行")
        NOT_PERFORMED = "not_performed", _("未履行")
        NOT_APPLICABLE = "na", _("无协议")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="follow_ups")
    at = models.DateTimeField(_("回访时间"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    performance = models.CharField(_("协议履行"), max_length=16, choices=Performance.choices)
    risk = models.TextField(_("遗留风险"), blank=True)
    satisfaction = models.CharField(_("满意度"), max_length=16, choices=Satisfaction.choices)
    note = models.TextField(_("备注"), blank=True)
    reopened = models.BooleanField(_("已重新办理"), default=False)
    keep_closed_reason = models.TextField(_("不满意但不重新办理的理由"), blank=True)

    class Meta:
        verbose_name = _("回访")
        verbose_name_plural = _("回访")
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.case.number} {self.get_satisfaction_display()}"


class HolidayOverride(models.Model):
    """A day the calendar package does not know yet (a future year): a holiday, or a make-up working day."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是工作日"), help_text=_("调休上班的周末勾选；放假的工作日不勾选。"))
    note = models.CharField(_("说明"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["date"]

    def __str__(self) -> str:
        state = _("上班") if self.is_workday else _("休息")
        return f"{self.date} {state}"


class CaseSequence(models.Model):
    """The last number given per (town code, year), so case numbers are readable and never reused."""

    prefix = models.CharField(max_length=32, unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("编号序列")
        verbose_name_plural = _("编号序列")

    def __str__(self) -> str:
        return f"{self.prefix} {self.last}"


class CaseTally(models.Model):
    """Counters of cases per village (and per town) and day or month, kept by the services (cases/tally.py).

    The summary pages read these rows instead of counting cases. `dimension` is "" for every case by
    registration day, "<name>:<value>" for the cases of one category, source, path … by registration month,
    "@closed" by the month a case was closed and "@follow_up" by the month of a follow-up.
    """

    rollup = models.CharField(max_length=1)  # "v": division is a village; "t": division is a town (all its villages)
    dimension = models.CharField(max_length=48, blank=True)
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    grain = models.CharField(max_length=1)  # "d": period is a day; "m": period is the first day of a month
    period = models.DateField()
    town = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    intake = models.IntegerField(default=0)
    has_response_due = models.IntegerField(default=0)
    responded = models.IntegerField(default=0)
    responded_in_time = models.IntegerField(default=0)
    archived = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    followed_up = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    closed_in_village = models.IntegerField(default=0)
    escalated = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["rollup", "dimension", "division", "grain", "period"], name="case_tally_key"
            ),
        ]
        indexes = [
            # The district reads the town rows of a range; a town review reads its villages' rows.
            models.Index(fields=["rollup", "dimension", "grain", "period"], name="case_tally_period"),
            models.Index(fields=["rollup", "dimension", "town", "grain", "period"], name="case_tally_town"),
        ]

    def __str__(self) -> str:
        return f"{self.rollup} {self.dimension} {self.division_id} {self.grain} {self.period}"


class DepartmentTally(models.Model):
    """Counters of the summonses of one department by the day or month their whistle was blown (cases/tally_departments.py).

    The department ranking reads these rows: a report-in or a rating that comes later is added to the row of the
    day the whistle was blown, so a period holds exactly the summonses of the whistles blown in it.
    """

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    grain = models.CharField(max_length=1)  # "d": period is a day; "m": period is the first day of a month
    period = models.DateField()
    summoned = models.IntegerField(default=0)
    reported = models.IntegerField(default=0)
    late = models.IntegerField(default=0)  # reported after the whistle's report-in deadline
    delay_us = models.BigIntegerField(default=0)  # Σ (reported_at − blown_at) of the reported, in microseconds
    rated = models.IntegerField(default=0)
    rating_sum = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["department", "grain", "period"], name="department_tally_key"),
        ]
        indexes = [models.Index(fields=["grain", "period"], name="department_tally_period")]

    def __str__(self) -> str:
        return f"{self.department_id} {self.grain} {self.period}"
