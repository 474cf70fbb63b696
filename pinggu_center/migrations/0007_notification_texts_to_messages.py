"""Read the message and its params back out of notifications written as final sentences, so they translate.

Until migration 0006 a notification stored its sentence in the site's language (Simplified Chinese).
The sentences came from a few fixed patterns (frozen here, as they were); a text that matches one is
stored as that pattern's source string with its params, a text that matches none is left as it is.
"""

from __future__ import annotations

import re

from django.db import migrations

# (pattern of the stored sentence, the source string it was made from)
PATTERNS = [
    (r"提级上报事项待办：(?P<number>\S+) (?P<title>.*)", "提级上报事项待办：%(number)s %(title)s"),
    (r"移交事项待反馈：(?P<number>\S+) (?P<title>.*)", "移交事项待反馈：%(number)s %(title)s"),
    (r"吹哨报到：(?P<number>\S+) (?P<title>.*)", "吹哨报到：%(number)s %(title)s"),
    (r"事项临近期限：(?P<number>[^，]+)，(?P<due>.+) 前办结", "事项临近期限：%(number)s，%(due)s 前办结"),
    (r"(?P<start>\d{4}-\d{2}-\d{2}) 至 (?P<end>\d{4}-\d{2}-\d{2}) 走访未达标：(?P<names>.*)",
     "%(start)s 至 %(end)s 走访未达标：%(names)s"),
]


def message_of(text: str) -> tuple[str, dict[str, str]] | None:
    """(source string, params) of a stored sentence, or None when it is not one of ours."""
    for pattern, message in PATTERNS:
        match = re.fullmatch(pattern, text, re.S)
        if match:
            return message, match.groupdict()
    return None


def convert(apps, schema_editor) -> None:
    Notification = apps.get_model("pinggu_center", "Notification")
    batch = []
    for notification in Notification.objects.filter(message="").exclude(text="").only("pk", "text").iterator(2000):
        found = message_of(notification.text)
        if found is None:
            continue
        notification.message, notification.params = found
        notification.text = ""
        batch.append(notification)
        if len(batch) >= 2000:
            Notification.objects.bulk_update(batch, ["message", "params", "text"])
            batch = []
    if batch:
        Notification.objects.bulk_update(batch, ["message", "params", "text"])


class Migration(migrations.Migration):

    dependencies = [
        ("pinggu_center", "0006_notification_message_and_params"),
    ]

    operations = [
        migrations.RunPython(convert, migrations.RunPython.noop, elidable=True),
    ]
