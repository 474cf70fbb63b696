"""Read the facts back out of the sentences earlier timeline events stored, so they too render in the reader's language.

Until migration 0010 a service wrote each event as one sentence in the site's language (Simplified
Chinese), e.g. "已化解：双方和解" or "由峪口地区接收办理". Each sentence was built from a fixed pattern per
kind; this migration matches those patterns (frozen here, as they were) and stores the facts in `data`,
keeping in `note` only what a person wrote. A note that matches no pattern is left as it is and keeps
being shown as written. Rows are rewritten with UPDATE (the model's append-only guard is not involved:
the event's meaning does not change, only its storage).
"""

from __future__ import annotations

import re
from typing import Any

from django.db import migrations

SOURCES = {"日常/定期接待": "reception", "入户走访": "visit", "12345 热线": "hotline", "网格上报": "grid",
           "信访": "petition", "线上接件": "online", "其他": "other"}
PATHS = {"简易事项直接评": "direct", "复杂矛盾联合评": "joint", "法治事件剖析评": "legal"}
METHODS = {"劝诫处置": "admonition", "人民调解": "peoples", "行政调解": "administrative", "司法调解": "judicial"}
OUTCOMES = {"已化解": "resolved", "未化解": "unresolved", "撤回": "withdrawn"}
RESULTS = {"审查中": "pending", "已确认有效": "confirmed", "不予确认": "rejected"}
SATISFACTION = {"满意": "satisfied", "基本满意": "basically", "不满意": "unsatisfied"}
TARGETS = {"职能部门": "department", "法院": "court", "执法平台（三协同）": "enforcement"}
SYSTEM_REASONS = {
    "超过本层级办结期限，系统自动提级上报。": "overdue",
    "执法类事项，按“三协同”机制移交综合执法。": "enforcement",
    "法院、公安或其他机关已受理，人民调解不予受理，依法移交。": "accepted_elsewhere",
    "法律规定由其他机关处理，依法移交。": "reserved_by_law",
}

Facts = tuple[dict[str, Any], str]


def _registered(note: str) -> Facts | None:
    match = re.fullmatch(r"来源：(.+)", note)
    return ({"source": SOURCES[match.group(1)]}, "") if match and match.group(1) in SOURCES else None


def _path(note: str) -> Facts | None:
    match = re.fullmatch(r"(\S+?)(?:（(\S+)）)?", note)
    if not match or match.group(1) not in PATHS or (match.group(2) and match.group(2) not in METHODS):
        return None
    return {"path": PATHS[match.group(1)], "legal_method": METHODS.get(match.group(2) or "", "")}, ""


def _whistle(note: str) -> Facts | None:
    match = re.fullmatch(r"吹哨：(.+)", note, re.S)
    return ({"departments": match.group(1).split("、")}, "") if match else None


def _reported_in(note: str) -> Facts | None:
    match = re.fullmatch(r"([^：]+?)(（逾期）)?：(.*)", note, re.S)
    return ({"department": match.group(1), "late": bool(match.group(2))}, match.group(3)) if match else None


def _rated(note: str) -> Facts | None:
    match = re.fullmatch(r"([^：]+)：([1-5]) 分。(.*)", note, re.S)
    return ({"department": match.group(1), "rating": int(match.group(2))}, match.group(3)) if match else None


def _agreement(note: str) -> Facts | None:
    match = re.fullmatch(r"履行期限：(\d{4}-\d{2}-\d{2})", note)
    return ({"performance_due": match.group(1)}, "") if match else None


def _confirmation(note: str) -> Facts | None:
    match = re.fullmatch(r"([^：]+)：(\S+)", note)
    if not match or match.group(2) not in RESULTS:
        return None
    return {"court": match.group(1), "result": RESULTS[match.group(2)]}, ""


def _archived(note: str) -> Facts | None:
    match = re.fullmatch(r"(已化解|未化解|撤回)：(.*)", note, re.S)
    return ({"outcome": OUTCOMES[match.group(1)]}, match.group(2)) if match else None


def _escalated(note: str) -> Facts | None:
    return ({"reason": SYSTEM_REASONS[note]}, "") if SYSTEM_REASONS.get(note) == "overdue" else None


def _routed(note: str) -> Facts | None:
    match = re.fullmatch(r"由(.+)接收办理", note, re.S)
    return ({"holder": match.group(1)}, "") if match else None


def _transferred(note: str) -> Facts | None:
    match = re.fullmatch(r"(执法平台（三协同）|[^：]+)：(.*)", note, re.S)
    if not match:
        return None
    receiver, reason = match.groups()
    why = SYSTEM_REASONS.get(reason, "")
    # A named receiver does not say whether it was a department or a court (the sentence reads the same).
    target = TARGETS.get(receiver) or ("enforcement" if why == "enforcement" else "department")
    facts = {"target": target, "department": "" if receiver in TARGETS else receiver, "reason": why}
    return facts, "" if why else reason


def _follow_up(note: str) -> Facts | None:
    match = re.fullmatch(r"(满意|基本满意|不满意)。(.*)", note, re.S)
    return ({"satisfaction": SATISFACTION[match.group(1)]}, match.group(2)) if match else None


def _reopened(note: str) -> Facts | None:
    return ({}, "") if note == "回访不满意，重新办理。" else None


def _extended(note: str) -> Facts | None:
    match = re.fullmatch(r"延至 (\d{4}-\d{2}-\d{2})；(.*)", note, re.S)
    return ({"due": match.group(1)}, match.group(2)) if match else None


def _reminded(note: str) -> Facts | None:
    match = re.fullmatch(r"办结期限：(.+)", note)
    return ({"due": match.group(1)}, "") if match else None


PARSERS = {
    "registered": _registered,
    "path_chosen": _path,
    "whistle": _whistle,
    "reported_in": _reported_in,
    "rated": _rated,
    "agreement": _agreement,
    "confirmation": _confirmation,
    "archived": _archived,
    "escalated": _escalated,
    "routed": _routed,
    "transferred": _transferred,
    "follow_up": _follow_up,
    "reopened": _reopened,
    "extended": _extended,
    "reminded": _reminded,
}


def facts_of(kind: str, note: str) -> Facts | None:
    """The (data, note) an event of this kind would store today, or None when its sentence is not one of ours."""
    parse = PARSERS.get(kind)
    return parse(note) or None if parse is not None else None


def convert(apps, schema_editor) -> None:
    CaseEvent = apps.get_model("cases", "CaseEvent")
    rows = CaseEvent.objects.filter(kind__in=PARSERS, data={}).exclude(note="").only("pk", "kind", "note")
    batch = []
    for event in rows.iterator(chunk_size=2000):
        facts = facts_of(event.kind, event.note)
        if facts is None:
            continue
        event.data, event.note = facts
        batch.append(event)
        if len(batch) >= 2000:
            CaseEvent.objects.bulk_update(batch, ["data", "note"])
            batch = []
    if batch:
        CaseEvent.objects.bulk_update(batch, ["data", "note"])


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0010_event_facts"),
    ]

    operations = [
        migrations.RunPython(convert, migrations.RunPython.noop, elidable=True),
    ]
