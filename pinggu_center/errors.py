"""The one shape of a refused step, shared by every app's rule error.

A refusal carries a stable `code` (snake_case, never translated, never reworded) for programs and tests,
and a translated `message` for the person who tried. Tests assert the code, so a copy edit of the
message breaks nothing; views show the message (`str(error)`), as before.
"""

from __future__ import annotations


class RuleError(Exception):
    """A step the rules do not allow: `code` says which rule, `message` says it in the reader's language."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return str(self.message)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r})"
