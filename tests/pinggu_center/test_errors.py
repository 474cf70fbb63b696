"""Every refusal carries a stable code: found in the source, so a new `raise` without one fails here."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from pinggu_center.errors import RuleError

ROOT = Path(__file__).resolve().parents[2]
APPS = ["pinggu_center", "cases", "visits", "dashboards", "deliberation", "legal_education"]
CODE = re.compile(r"^[a-z][a-z0-9_]*$")


def _sources() -> list[tuple[Path, ast.Module]]:
    files = [path for app in APPS for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts]
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in files]


def _rule_error_names(trees: list[tuple[Path, ast.Module]]) -> set[str]:
    """RuleError and every class that derives from it, however deep, by name."""
    names = {"RuleError"}
    classes = [node for _path, tree in trees for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    grown = True
    while grown:
        before = len(names)
        for node in classes:
            bases = {base.id if isinstance(base, ast.Name) else getattr(base, "attr", "") for base in node.bases}
            if bases & names:
                names.add(node.name)
        grown = len(names) > before
    return names


def _called_name(call: ast.Call) -> str:
    return call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", "")


def test_every_rule_error_raised_in_the_apps_names_its_code():
    trees = _sources()
    names = _rule_error_names(trees)
    assert {"CaseRuleError", "CaseChanged", "VisitRuleError", "DeliberationError", "LegalEducationError"} <= names
    missing = []
    for path, tree in trees:
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            if _called_name(node.exc) not in names:
                continue
            codes = [kw.value for kw in node.exc.keywords if kw.arg == "code"]
            # A literal must be snake_case; a passed-on code (a permission Decision's) is checked where it is made.
            if not codes or (isinstance(codes[0], ast.Constant) and not CODE.match(str(codes[0].value))):
                missing.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not missing, "raise without a snake_case code=: " + ", ".join(missing)


def test_a_rule_error_shows_its_message_and_keeps_its_code():
    error = RuleError("此事项已办结。", code="case_closed")
    assert (str(error), error.code, repr(error)) == ("此事项已办结。", "case_closed", "RuleError(code='case_closed')")
