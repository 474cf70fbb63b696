"""The demo organisation (see shared contract "Demo data and demo logins")."""

from .organisation import seed

__all__ = ["seed"]
