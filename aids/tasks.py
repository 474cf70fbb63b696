"""The daily risk scan; run twice, it raises nothing new the second time (warnings are unique per evidence)."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True)
def scan_risks() -> int:
    """Run the five rules and raise what is new; returns the number of new warnings."""
    from . import risk, services

    return len(services.raise_warnings(risk.scan()))
