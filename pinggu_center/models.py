"""The organisation: divisions, centers, their rosters and departments; users, their roles and scopes.

Also the project-wide plumbing every app writes to: the audit log, in-app notifications and the outbox.
None of it knows anything of cases or visits.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import topics
from .topics import Topic
from .uploads import UploadPath
from .validators import validate_phone

division_code_validator = RegexValidator(r"^\d{12}$", _("统计区划代码须为 12 位数字。"))


class Level(models.TextChoices):
    DISTRICT = "district", _("区")
    TOWN = "town", _("镇/街道")
    VILLAGE = "village", _("村/社区")

    @classmethod
    def above(cls, level: str) -> Level | None:
        order = [cls.VILLAGE, cls.TOWN, cls.DISTRICT]
        index = order.index(level)
        return order[index + 1] if index + 1 < len(order) else None


class Division(models.Model):
    name = models.CharField(_("名称"), max_length=64)
    code = models.CharField(_("统计区划代码"), max_length=12, unique=True, validators=[division_code_validator])
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    abbr = models.CharField(
        _("简码"), max_length=8, blank=True, help_text=_("用于事项编号，如峪口地区为 YK。")
    )

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level="district", parent__isnull=True)
                | (~models.Q(level="district") & models.Q(parent__isnull=False)),
                name="division_parent_matches_level",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def town(self) -> Division | None:
        if self.level == Level.TOWN:
            return self
        if self.level == Level.VILLAGE:
            return self.parent
        return None


class Center(models.Model):
    """One 说事评理议事普法中心 per village division."""

    division = models.OneToOneField(
        Division,
        verbose_name=_("村/社区"),
        on_delete=models.PROTECT,
        related_name="center",
        limit_choices_to={"level": Level.VILLAGE},
    )
    name = models.CharField(_("中心名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    opening_hours = models.CharField(_("接待时间"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("说事评理议事普法中心")
        verbose_name_plural = _("说事评理议事普法中心")
        ordering = ["division__code"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("center_roster", args=[self.pk])


class Role(models.Model):
    """A roster role (中心主任, 网格员 …); kept in a table so a district can add its own."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=32)
    visits_households = models.BooleanField(_("承担入户走访"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("成员角色")
        verbose_name_plural = _("成员角色")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class MemberQuerySet(models.QuerySet):
    def active(self) -> MemberQuerySet:
        return self.filter(retired_on__isnull=True)


class Member(models.Model):
    """A roster entry of a center; a member may or may not have a login."""

    center = models.ForeignKey(Center, verbose_name=_("中心"), on_delete=models.PROTECT, related_name="members")
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("手机号"), max_length=11, blank=True, validators=[validate_phone])
    roles = models.ManyToManyField(Role, verbose_name=_("角色"), related_name="members")
    title = models.CharField(_("职务"), max_length=50, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )
    joined_on = models.DateField(_("加入日期"), default=timezone.localdate)
    retired_on = models.DateField(_("退出日期"), null=True, blank=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("中心成员")
        verbose_name_plural = _("中心成员")
        ordering = ["center", "name"]
        indexes = [models.Index(fields=["center", "retired_on"], name="member_center_active")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.retired_on is None


class Department(models.Model):
    """A town or district body that answers whistles and takes transfers."""

    class Kind(models.TextChoices):
        JUSTICE_OFFICE = "justice_office", _("司法所")
        POLICE = "police", _("派出所")
        ENFORCEMENT = "enforcement", _("综合执法队")
        AGRICULTURE = "agriculture", _("农业农村办")
        COURT = "court", _("法院")
        PETITION = "petition", _("信访办")
        JUSTICE_BUREAU = "justice_bureau", _("司法局")
        OTHER = "other", _("其他")

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=32, choices=Kind.choices)
    division = models.ForeignKey(
        Division,
        verbose_name=_("所属区划"),
        on_delete=models.PROTECT,
        related_name="departments",
        limit_choices_to={"level__in": [Level.TOWN, Level.DISTRICT]},
    )
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("职能部门")
        verbose_name_plural = _("职能部门")
        ordering = ["division__code", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["division", "name"], name="department_unique_name_per_division"),
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A login: one role, one division as its scope, and a department for department staff."""

    class Role(models.TextChoices):
        VILLAGE_DIRECTOR = "village_director", _("村书记/中心主任")
        VILLAGE_STAFF = "village_staff", _("村干部/调解员")
        TOWN_STAFF = "town_staff", _("镇街工作人员")
        DEPARTMENT_STAFF = "department_staff", _("职能部门工作人员")
        DISTRICT_ADMIN = "district_admin", _("区级管理员")
        AUDITOR = "auditor", _("审计员（只读）")

    role = models.CharField(_("角色"), max_length=32, choices=Role.choices, default=Role.VILLAGE_STAFF)
    division = models.ForeignKey(
        Division, verbose_name=_("管辖范围"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("所属部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    phone = models.CharField(_("手机号"), max_length=11, blank=True, validators=[validate_phone])

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="department_staff") | models.Q(department__isnull=False),
                name="department_staff_has_department",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        # Chinese names: family name first, no space.
        return f"{self.last_name}{self.first_name}".strip()

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_director_or_above(self) -> bool:
        return self.role in {self.Role.VILLAGE_DIRECTOR, self.Role.TOWN_STAFF, self.Role.DISTRICT_ADMIN}

    @property
    def is_read_only(self) -> bool:
        return self.role == self.Role.AUDITOR

    @property
    def is_district(self) -> bool:
        return self.role in {self.Role.DISTRICT_ADMIN, self.Role.AUDITOR}


class AuditLog(models.Model):
    """Logins, reveals of personal data, exports and changes; no user may edit or delete a row."""

    class Action(models.TextChoices):
        LOGIN = "login", _("登录")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOGOUT = "logout", _("退出")
        REVEAL = "reveal", _("查看完整个人信息")
        EXPORT = "export", _("导出")
        CHANGE = "change", _("变更")

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    action = models.CharField(_("动作"), max_length=16, choices=Action.choices, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    detail = models.CharField(_("详情"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Audit log rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("Audit log rows are append-only.")


class NotificationQuerySet(models.QuerySet):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-app message to one user; at most one per (user, key), so a redelivered task adds nothing."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications"
    )
    key = models.CharField(_("去重键"), max_length=120)
    # The untranslated source string and its params, rendered in the reader's language (render()); `text` is
    # for a message that is already final, and for notifications written before messages were stored.
    message = models.CharField(_("消息"), max_length=200, blank=True)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    text = models.CharField(_("内容"), max_length=300, blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notification_unique_key")]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.render()

    def render(self) -> str:
        """The message in the active language."""
        if not self.message:
            return self.text
        try:
            return gettext(self.message) % self.params
        except (KeyError, TypeError, ValueError):
            return self.message  # a source string changed shape since: show it untranslated rather than fail


class Outbox(models.Model):
    """A message that must reach another process, written in the same transaction as the change it reports."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待投递")
        DONE = "done", _("已投递")
        FAILED = "failed", _("投递失败")

    topic = models.CharField(_("主题"), max_length=64)
    # Rows sharing a key are delivered strictly in id order (e.g. one hotline order's progress).
    ordering_key = models.CharField(_("顺序键"), max_length=100, blank=True, db_index=True)
    payload = models.JSONField(_("内容"), default=dict)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), default=timezone.now)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("待投递消息")
        verbose_name_plural = _("待投递消息")
        ordering = ["id"]
        # The queue stays small to read however many rows were delivered: the sweep and the pending count use a
        # partial index of the pending rows, the delivery-problems page one of the failed rows.
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"), name="outbox_pending_due"),
            models.Index(fields=["created_at"], condition=Q(status="failed"), name="outbox_failed"),
        ]

    def __str__(self) -> str:
        return f"{self.topic}#{self.pk}"

    @classmethod
    def enqueue(cls, topic: Topic | str, *, ordering_key: str = "", **payload: Any) -> Outbox:
        """Record a message of a known topic (pinggu_center.topics); it goes to the worker once the transaction commits."""
        row = cls.objects.create(topic=topics.get(topic).name, ordering_key=ordering_key, payload=payload)
        transaction.on_commit(lambda: _send_delivery(row.pk))
        return row

    def backoff(self) -> timedelta:
        return timedelta(seconds=settings.OUTBOX_BACKOFF_SECONDS * (2 ** min(self.attempts, 10)))


def _send_delivery(outbox_id: int) -> None:
    from .outbox import hand_to_worker

    hand_to_worker(outbox_id, 0)


# --- 七有: the seven things every center must have -------------------------------------------------

class ChecklistItem(models.TextChoices):
    SIGN = "sign", _("一块牌子")
    VENUE = "venue", _("一个场地")
    RULES = "rules", _("一套制度")
    LEDGER = "ledger", _("一个台账")
    PLATFORM = "platform", _("一个网络平台")
    TASK_FORCE = "task_force", _("一个工作专班")
    CONTACT_CARD = "contact_card", _("一个便民联系卡")


class CenterChecklistItem(models.Model):
    """One of a center's 七有, recorded with its evidence and the date it was in place; one row per item."""

    center = models.ForeignKey(
        Center, verbose_name=_("中心"), on_delete=models.PROTECT, related_name="checklist_items"
    )
    item = models.CharField(_("项目"), max_length=16, choices=ChecklistItem.choices)
    in_place_on = models.DateField(_("落实日期"))
    evidence = models.FileField(_("佐证材料"), upload_to=UploadPath("checklist"), max_length=200)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("更新人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    class Meta:
        verbose_name = _("七有事项")
        verbose_name_plural = _("七有事项")
        ordering = ["center", "item"]
        constraints = [
            models.UniqueConstraint(fields=["center", "item"], name="checklist_one_row_per_item"),
            models.CheckConstraint(
                condition=models.Q(item__in=ChecklistItem.values), name="checklist_item_known"
            ),
            models.CheckConstraint(condition=~models.Q(evidence=""), name="checklist_has_evidence"),
        ]

    def __str__(self) -> str:
        return f"{self.center} · {self.get_item_display()}"


class SecondFactor(models.Model):
    """A login's authenticator app (TOTP); once confirmed, every sign-in also asks for its code."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="second_factor"
    )
    secret = models.CharField(_("密钥"), max_length=64)
    confirmed_at = models.DateTimeField(_("启用时间"), null=True, blank=True)
    # The last time step accepted, so one code cannot be used twice.
    last_step = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("两步验证")
        verbose_name_plural = _("两步验证")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None
