"""What a page shows is cached until the data under it changes: a token per division, replaced on every write.

A review page or a workbench reads a few dozen queries' worth of figures that change a few times a day per village.
Its content is cached (``{% fresh %}`` in the template) under a key made of the viewer, the address, the minute and
the tokens of the divisions it shows. Any save or delete of a model that belongs to a village (a case and everything
hung on it, a visit, a household, a warning …) forgets the tokens of that village, its town and the whole district,
so the next view renders afresh. A save that belongs to no village forgets the root token, which every key contains.

The minute in the key bounds what changes with the clock alone (a deadline passing): at most a minute late.

Under the content, the figures a summary page is made of are shared by all its viewers (`shared`): keyed by the
same tokens, the day and the language, not by the viewer or the minute. After each commit the worker computes them
again (the `written` signal), so the first view after a write renders from figures already made. A count that moves
with the clock is kept with the moment it next changes (`until`); a list that moves with it is kept as its first rows
in the order of that time, and the view keeps the rows whose time has come (dashboards.selectors.near_deadline): the
same rows as a query made at that moment.

Tokens are random, never counters: a cache that was emptied cannot bring an old fragment back. A write forgets them
when its transaction commits (a page cached from what was read before the commit was cached under a token that the
commit forgets), once per transaction however many rows it writes: the overdue sweep's batch of hundreds of cases
forgets each token once. A page read inside the transaction that wrote forgets them first, so it shows the writes.
While the cache is unreachable pages are rendered afresh and writes go on; a fragment cached before the outage may then be
shown until it expires (FRAGMENT_SECONDS) if a write during the outage could not forget it.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TypeVar

from django.apps import apps
from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language

logger = logging.getLogger(__name__)
T = TypeVar("T")

ROOT = "root"
DISTRICT = "district"
# How long a fragment is kept: the minute in its key makes it useless after that anyway.
FRAGMENT_SECONDS = 120
# Shared figures are keyed by the day: they are of no use the next day.
SHARED_SECONDS = 24 * 3600
# A preparation that waited longer than this in the queue is dropped: a viewer has computed the figures by then.
PREPARE_EXPIRES = 60

# Apps whose data the cached pages show.
WATCHED_APPS = {"pinggu_center", "cases", "mediation_report", "visits", "aids", "deliberation", "legal_education"}
# Rows that no cached page shows, or that are written on every request or by the page-independent machinery.
IGNORED_MODELS = {
    "pinggu_center.auditlog", "pinggu_center.notification", "pinggu_center.outbox", "pinggu_center.secondfactor",
    "cases.casesequence", "cases.casetally", "cases.departmenttally", "mediation_report.reporttally",
    "visits.visittally", "visits.cadreweektally",
    "aids.similarterm", "aids.similardoc", "aids.similarposting", "aids.similarstats",
}

# Rows every page's choices and names come from: a change to one is a change for all.
REFERENCE_MODELS = {"pinggu_center.division", "pinggu_center.department", "pinggu_center.center", "cases.category"}

_parents: dict[int, int | None] = {}
_paused = threading.local()

# Sent once a committed write has forgotten the tokens `names` (division ids as text, DISTRICT, ROOT): the shared
# figures of those divisions may be prepared again (`prepare_after_writes`).
written = Signal()


def fragment_key(request: HttpRequest, *divisions) -> str | None:
    """The cache key of a page's content for this viewer, address and minute, under the divisions' current tokens.

    None, and the content is rendered afresh, while the cache is unreachable, and for a browser without a CSRF
    secret yet: the content may hold forms, whose tokens are only good with the secret they were made for.
    """
    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        return None
    # A page with several cached parts asks the cache once for the tokens they share.
    known: dict[str, str] = getattr(request, "_freshness_tokens", {})
    writing = _forget_on_commit(register=False)
    if writing is not None and writing.unread:  # a page read inside the transaction that wrote sees the writes
        forget(writing.unread)
        writing.unread.clear()
        known = {}
    names = [ROOT] + [_name(division) for division in divisions]
    minute = int(timezone.now().timestamp() // 60)
    viewer = [str(request.user.pk), hashlib.sha256(secret.encode()).hexdigest()[:16], get_language() or ""]
    try:
        missing = [name for name in names if name not in known]
        if missing:
            known.update(zip(missing, _tokens(missing), strict=True))
    except Exception:  # noqa: BLE001 - any cache failure (connection refused, timeout): render without it
        logger.warning("Page content not cached: the cache is unreachable.", exc_info=True)
        return None
    request._freshness_tokens = known
    return "|".join([*viewer, request.get_full_path(), str(minute), *(known[name] for name in names)])


def shared_key(name: str, *divisions, parts: Iterable[object] = ()) -> str | None:
    """The cache key of figures every viewer of the divisions shares: their current tokens, the day and the language.

    None, and the figures are computed and not kept, while the cache is unreachable and inside a transaction that
    wrote: what it reads may yet be rolled back, and no commit would then forget the tokens it was kept under.
    """
    if _forget_on_commit(register=False) is not None:
        return None
    names = [ROOT] + [_name(division) for division in divisions]
    try:
        tokens = _tokens(names)
    except Exception:  # noqa: BLE001 - any cache failure: compute without it
        logger.warning("Figures not shared: the cache is unreachable.", exc_info=True)
        return None
    day = timezone.localdate().isoformat()
    described = "|".join([*map(str, parts), day, get_language() or "", *tokens])
    return f"shared:{name}:{hashlib.md5(described.encode(), usedforsecurity=False).hexdigest()}"


def shared(name: str, divisions: Iterable, compute: Callable[[], T], parts: Iterable[object] = (),
           until: Callable[[], datetime | None] | None = None) -> T:
    """`compute()`, kept for every viewer of the divisions until a write in one of them; `parts` tell apart what
    else it depends on (an id, a period), and `until`, asked before computing, when the clock alone makes the
    figures untrue (a deadline passing): they are computed again after that moment.

    The worker computes them after each write (a task of `prepare_after_writes`) through this same function, so
    the first viewer finds them ready; a viewer who comes first computes and keeps them for the next.
    """
    key = shared_key(name, *divisions, parts=parts)
    if key is None:
        return compute()
    try:
        found = cache.get(key)
    except Exception:  # noqa: BLE001 - the cache went away since the key was made
        return compute()
    if found is not None:
        value, moment = found
        if moment is None or timezone.now() <= moment:
            return value
    moment = until() if until is not None else None
    value = compute()
    try:
        cache.set(key, (value, moment), SHARED_SECONDS)
    except Exception:  # noqa: BLE001
        logger.warning("Figures not shared: the cache is unreachable.", exc_info=True)
    return value


def prepare_after_writes(task) -> None:
    """Queue the Celery task `task(names)` after each commit that forgot the tokens of divisions, to prepare their
    shared figures; a write never waits for it, nor fails with it (the first viewer computes them instead).

    The task is routed to a queue of its own (settings.CELERY_TASK_ROUTES). A burst of commits queues one
    preparation per division: a division already waiting in the queue is left out (the queued task reads the data
    when it starts, so it shows these writes too). The task calls `preparing` first, so a commit after it started
    queues a new one.
    """

    def ask(sender, names: list[str], **kwargs) -> None:
        if getattr(_paused, "on", False):
            return
        names = sorted(set(names) - {ROOT})  # reference data alone: no division's figures in particular
        try:
            waiting = [name for name in names if cache.add(_waiting_key(task.name, name), 1, PREPARE_EXPIRES)]
        except Exception:  # noqa: BLE001 - the cache is down: nothing is known to wait
            waiting = names
        if not waiting:
            return
        try:
            task.apply_async((waiting,), expires=PREPARE_EXPIRES, retry=False)
        except Exception:  # noqa: BLE001 - the broker may be down
            logger.warning("%s not queued: the broker cannot be reached.", task.name)
            preparing(task.name, waiting)

    written.connect(ask, weak=False, dispatch_uid=f"prepare-after-writes:{task.name}")


@contextmanager
def preparations_paused() -> Iterator[None]:
    """Commits inside queue no preparation: a sweep's batches of hundreds of escalations in as many villages would
    keep the worker preparing figures that the next batch changes again. The next ordinary write prepares them."""
    previous = getattr(_paused, "on", False)
    _paused.on = True
    try:
        yield
    finally:
        _paused.on = previous


def preparing(task_name: str, names: Iterable[str]) -> None:
    """A preparation task starts on `names`: a commit from now on queues another one."""
    try:
        cache.delete_many([_waiting_key(task_name, name) for name in names])
    except Exception:  # noqa: BLE001 - the marks expire with the queued message (PREPARE_EXPIRES)
        logger.warning("Preparation marks not cleared: the cache is unreachable.", exc_info=True)


def _waiting_key(task_name: str, name: str) -> str:
    return f"prepare-waiting:{task_name}:{name}"


def scope_of(user) -> int | None:
    """The division whose token covers what the user sees: their own subtree, or the district for the rest."""
    if user.division_id and user.role != user.Role.DEPARTMENT_STAFF:  # a department's cases come from anywhere
        return user.division_id
    return None


def forget_everything() -> None:
    """After rows were written past the models' save (in bulk, or by a rebuild): no cached page is current."""
    forget([ROOT])


def forget_written(names: Iterable[str]) -> None:
    """After a commit: the written divisions' tokens are forgotten, and whoever prepares their figures is told."""
    names = set(names)
    forget(names)
    written.send(sender=forget_written, names=sorted(names))


def forget(names: Iterable[str]) -> None:
    keys = [_token_key(name) for name in set(names)]
    try:
        cache.delete_many(keys)
    except Exception:  # noqa: BLE001 - a write must not fail because the cache is down; its fragments expire
        logger.warning("Cached pages not forgotten: the cache is unreachable.", exc_info=True)


def _name(division) -> str:
    if division is None:
        return DISTRICT
    return str(division if isinstance(division, int) else division.pk)


def _token_key(name: str) -> str:
    return f"freshness:{name}"


def _tokens(names: list[str]) -> list[str]:
    keys = [_token_key(name) for name in names]
    found = cache.get_many(keys)
    missing = {key: uuid.uuid4().hex for key in keys if key not in found}
    if missing:
        # Two readers may each set a token here; the last one stays, and what the other cached under its own is
        # never read again. Neither can hide a write: each reads the data after setting its token, and a commit
        # forgets whichever token is there.
        cache.set_many(missing, timeout=None)
        found.update(missing)
    return [str(found[key]) for key in keys]


# --- which divisions a write belongs to ---------------------------------------------------------------------------


def _parent(division_id: int) -> int | None:
    if division_id not in _parents:
        Division = apps.get_model("pinggu_center", "Division")
        _parents.update(Division.objects.values_list("pk", "parent_id"))
    return _parents.get(division_id)


def chain_of(division_id: int | None) -> set[str]:
    """The division, the divisions above it, and the district."""
    names = {DISTRICT}
    seen = 0
    while division_id is not None and seen < 3:
        names.add(str(division_id))
        division_id = _parent(division_id)
        seen += 1
    return names


def _division_ids(instance: models.Model) -> list[int | None] | None:
    """The divisions a row belongs to, or None when it belongs to none (or to all)."""
    label = instance._meta.label_lower
    if label == "pinggu_center.division":
        _parents.clear()
    if label in REFERENCE_MODELS:
        return None
    ids = [getattr(instance, name) for name in ("division_id", "holder_id") if getattr(instance, name, None)]
    if ids:
        return ids
    for relation in ("case", "household", "whistle", "center", "meeting", "activity", "matter"):
        field = _foreign_key(instance, relation)
        if field is None:
            continue
        if field.is_cached(instance):
            related = getattr(instance, relation)
        else:
            related_id = getattr(instance, field.attname)
            related = field.related_model._default_manager.filter(pk=related_id).first()
        return _division_ids(related) if related is not None else None
    return None


def _foreign_key(instance: models.Model, name: str):
    try:
        field = instance._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.ForeignKey | models.OneToOneField) else None


def _changed(sender, instance: models.Model, **kwargs) -> None:
    meta = instance._meta
    if meta.app_label not in WATCHED_APPS or meta.label_lower in IGNORED_MODELS:
        return
    if kwargs.get("update_fields") and set(kwargs["update_fields"]) <= {"last_login"}:
        return  # signing in
    ids = _division_ids(instance)
    names: set[str] = {ROOT} if ids is None else set().union(*(chain_of(i) for i in ids))
    on_commit = _forget_on_commit()
    if on_commit is None:  # autocommit: the row is already committed
        forget_written(names)
        return
    on_commit.names |= names
    on_commit.unread |= names


class _ForgetOnCommit:
    """The tokens a transaction's writes touched, forgotten when it commits (once, however many writes)."""

    def __init__(self) -> None:
        self.names: set[str] = set()
        # Touched since a page was last read inside this transaction: forgotten before that page's next read.
        self.unread: set[str] = set()

    def __call__(self) -> None:
        forget_written(self.names)


def _forget_on_commit(*, register: bool = True) -> _ForgetOnCommit | None:
    """The current transaction's callback (registered at its first write); None outside a transaction."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return None
    callback = getattr(connection, "_forget_on_commit", None)
    # Gone from the list when the transaction (or the savepoint it was registered in) rolled back.
    if callback is None or not any(func is callback for _sids, func, _robust in connection.run_on_commit):
        if not register:
            return None
        callback = _ForgetOnCommit()
        connection._forget_on_commit = callback
        transaction.on_commit(callback, robust=True)
    return callback


def connect() -> None:
    post_save.connect(_changed, dispatch_uid="freshness-save")
    post_delete.connect(_changed, dispatch_uid="freshness-delete")


class Deferred:
    """A figure computed the first time the template reads it, and never when the cached content is used instead."""

    def __init__(self, compute, *args, **kwargs) -> None:
        self._compute, self._args, self._kwargs = compute, args, kwargs
        self._done = False
        self._value = None

    def __call__(self):
        if not self._done:
            self._value = self._compute(*self._args, **self._kwargs)
            self._done = True
        return self._value

    def parts(self, *names: str) -> dict[str, Deferred]:
        """One deferred entry per key of the dict this computes, all computed together the first time one is read."""
        return {name: Deferred(lambda name=name: self()[name]) for name in names}
