"""Village deliberation: meetings, their topics, votes and resolutions; 四议两公开 major matters; village rules.

The quorum and majority rules themselves live in `rules.py`, so they are tested as plain tables.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pinggu_center.uploads import UploadPath


def new_public_token() -> str:
    """An unguessable key for a resolution's public notice (128 random bits)."""
    return secrets.token_urlsafe(16)


class MeetingKind(models.TextChoices):
    VILLAGER = "villager", _("村民会议")
    HOUSEHOLD = "household", _("户代表会议")
    REPRESENTATIVES = "representatives", _("村民代表会议")
    COMMITTEE = "committee", _("村民委员会会议")
    JOINT = "joint", _("两委联席会议")


class Meeting(models.Model):
    """One meeting of a village body: who was eligible, who came, and when the notice went out."""

    center = models.ForeignKey(
        "pinggu_center.Center", verbose_name=_("中心"), on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField(_("会议类型"), max_length=20, choices=MeetingKind.choices)
    title = models.CharField(_("会议名称"), max_length=100)
    notice_date = models.DateField(_("通知日期"))
    held_at = models.DateTimeField(_("召开时间"))
    venue = models.CharField(_("地点"), max_length=100, blank=True)
    eligible_count = models.PositiveIntegerField(
        _("应到人数"), help_text=_("村民会议：18 周岁以上村民数；户代表会议：户数；其他会议：组成人员数。")
    )
    present_count = models.PositiveIntegerField(_("实到人数"))
    chaired_by = models.CharField(_("主持人"), max_length=50, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("议事会议")
        verbose_name_plural = _("议事会议")
        ordering = ["-held_at"]
        indexes = [models.Index(fields=["center", "-held_at"], name="meeting_center_held")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=MeetingKind.values), name="meeting_kind_known"),
            models.CheckConstraint(condition=Q(eligible_count__gt=0), name="meeting_has_eligible"),
            models.CheckConstraint(
                condition=Q(present_count__lte=F("eligible_count")), name="meeting_present_not_above_eligible"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("deliberation:meeting_detail", args=[self.pk])

    @property
    def quorum_met(self) -> bool:
        from .rules import quorum_met

        return quorum_met(self.kind, eligible=self.eligible_count, present=self.present_count)

    @property
    def notice_ok(self) -> bool:
        from .rules import notice_ok

        return notice_ok(self.kind, notice_date=self.notice_date, held_on=timezone.localdate(self.held_at))

    @property
    def may_resolve(self) -> bool:
        """Whether the meeting may decide anything: quorum present and notice given as the law asks."""
        return self.quorum_met and self.notice_ok


class Topic(models.Model):
    """One agenda item of a meeting."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.PROTECT, related_name="topics")
    position = models.PositiveSmallIntegerField(_("序号"), default=1)
    title = models.CharField(_("议题"), max_length=200)
    description = models.TextField(_("议题说明"), blank=True)
    # A matter raised in a case or a visit can become a topic; the case or visit reaches its topics
    # through `deliberation_topics` without knowing anything of deliberation.
    source_case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("来源事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deliberation_topics",
    )
    source_visit = models.ForeignKey(
        "visits.Visit",
        verbose_name=_("来源走访"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deliberation_topics",
    )

    class Meta:
        verbose_name = _("议题")
        verbose_name_plural = _("议题")
        ordering = ["meeting", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class Vote(models.Model):
    """The count of one show of hands on a topic; one per topic."""

    topic = models.OneToOneField(Topic, verbose_name=_("议题"), on_delete=models.PROTECT, related_name="vote")
    votes_for = models.PositiveIntegerField(_("赞成"))
    votes_against = models.PositiveIntegerField(_("反对"))
    abstentions = models.PositiveIntegerField(_("弃权"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        verbose_name = _("表决")
        verbose_name_plural = _("表决")

    def __str__(self) -> str:
        return f"{self.topic}: {self.votes_for}/{self.votes_against}/{self.abstentions}"


class Resolution(models.Model):
    """What the meeting decided on a topic; its public notice is reachable by an unguessable key."""

    topic = models.OneToOneField(Topic, verbose_name=_("议题"), on_delete=models.PROTECT, related_name="resolution")
    adopted = models.BooleanField(_("是否通过"))
    text = models.TextField(_("决议内容"))
    public_token = models.CharField(_("公示链接码"), max_length=32, unique=True, default=new_public_token)
    published_at = models.DateTimeField(_("公示时间"), default=timezone.now)

    class Meta:
        verbose_name = _("决议")
        verbose_name_plural = _("决议")
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.text[:50]

    def get_absolute_url(self) -> str:
        return reverse("deliberation:resolution_notice", args=[self.public_token])


class MatterStep(models.TextChoices):
    """四议两公开, in the order the steps must be taken."""

    PROPOSAL = "proposal", _("提议（村党组织）")
    DISCUSSION = "discussion", _("商议（两委会）")
    REVIEW = "review", _("审议（党员大会）")
    RESOLUTION = "resolution", _("决议（村民代表会议或村民会议）")
    RESOLUTION_PUBLIC = "resolution_public", _("决议公开")
    RESULT_PUBLIC = "result_public", _("实施结果公开")

    @classmethod
    def ordered(cls) -> list[MatterStep]:
        return list(cls)

    @classmethod
    def after(cls, step: str | None) -> MatterStep | None:
        order = cls.ordered()
        if not step:
            return order[0]
        index = order.index(step)
        return order[index + 1] if index + 1 < len(order) else None


class MajorMatter(models.Model):
    """A major village matter (重大事项) taken through 四议两公开 one step at a time."""

    center = models.ForeignKey(
        "pinggu_center.Center", verbose_name=_("中心"), on_delete=models.PROTECT, related_name="major_matters"
    )
    title = models.CharField(_("事项名称"), max_length=200)
    description = models.TextField(_("事项说明"), blank=True)
    current_step = models.CharField(_("已完成步骤"), max_length=20, choices=MatterStep.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("重大事项")
        verbose_name_plural = _("重大事项")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(current_step="") | Q(current_step__in=MatterStep.values), name="matter_step_known"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("deliberation:matter_detail", args=[self.pk])

    @property
    def next_step(self) -> MatterStep | None:
        return MatterStep.after(self.current_step)

    @property
    def is_finished(self) -> bool:
        return self.current_step == MatterStep.RESULT_PUBLIC


class MatterStepRecord(models.Model):
    """One completed step of a major matter; a step is recorded at most once."""

    matter = models.ForeignKey(MajorMatter, verbose_name=_("重大事项"), on_delete=models.PROTECT, related_name="steps")
    step = models.CharField(_("步骤"), max_length=20, choices=MatterStep.choices)
    done_on = models.DateField(_("完成日期"))
    note = models.TextField(_("情况说明"))
    resolution = models.ForeignKey(
        Resolution, verbose_name=_("会议决议"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        verbose_name = _("四议两公开步骤")
        verbose_name_plural = _("四议两公开步骤")
        ordering = ["matter", "done_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["matter", "step"], name="matter_step_once"),
            models.CheckConstraint(condition=Q(step__in=MatterStep.values), name="matter_step_record_known"),
            models.CheckConstraint(
                condition=~Q(step="resolution") | Q(resolution__isnull=False), name="matter_resolution_step_has_resolution"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.matter} · {self.get_step_display()}"


class DocumentKind(models.TextChoices):
    CHARTER = "charter", _("村民自治章程")
    RULES = "rules", _("议事规则")
    COVENANT = "covenant", _("村规民约")
    OTHER = "other", _("其他")


class CenterDocument(models.Model):
    """The village's own rules (村民自治章程, 议事规则 …) attached to its center."""

    center = models.ForeignKey(
        "pinggu_center.Center", verbose_name=_("中心"), on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(_("类别"), max_length=16, choices=DocumentKind.choices)
    title = models.CharField(_("标题"), max_length=200)
    adopted_on = models.DateField(_("通过日期"), null=True, blank=True)
    file = models.FileField(_("文件"), upload_to=UploadPath("rules"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("村级制度文件")
        verbose_name_plural = _("村级制度文件")
        ordering = ["center", "kind", "-uploaded_at"]
        constraints = [models.CheckConstraint(condition=Q(kind__in=DocumentKind.values), name="center_document_kind_known")]

    def __str__(self) -> str:
        return self.title
