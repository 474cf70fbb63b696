"""The demo organisation (see shared contract "Demo data and demo logins"), then each center's 七有."""

from . import checklist, organisation


def seed(*, scale: int, stdout) -> None:
    organisation.seed(scale=scale, stdout=stdout)  # first: everything else stands on it
    checklist.seed(scale=scale, stdout=stdout)


__all__ = ["seed"]
