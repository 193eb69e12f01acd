"""Tests never read the clock when their module is imported: "today" read at collection is the day the run
started, so a run that crosses midnight disagrees with itself (it once failed in a clean clone at 23:53).
The suite's day is tests/conftest.py's CLOCK_START; inside a test, time-machine holds the clock."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
CLOCK_READS = {"today", "now", "localdate", "localtime", "utcnow", "time", "monotonic"}


def _reads_at_import(tree: ast.Module) -> list[int]:
    """Lines of clock reads that run when the module is imported: module and class bodies, decorators
    (pytest.mark.parametrize arguments) and default values, but not function bodies."""
    found: list[int] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for part in [*node.decorator_list, *node.args.defaults, *node.args.kw_defaults]:
                if part is not None:
                    visit(part)
            return
        if isinstance(node, ast.Lambda):
            return
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in CLOCK_READS:
                found.append(node.lineno)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def test_no_test_module_reads_the_clock_at_import() -> None:
    offenders = []
    for path in sorted(TESTS.rglob("*.py")):
        if "vendor" in path.parts:
            continue
        for line in _reads_at_import(ast.parse(path.read_text(), filename=str(path))):
            offenders.append(f"{path.relative_to(TESTS.parent)}:{line}")
    assert offenders == []


def test_the_check_finds_a_clock_read_in_a_parametrize_argument() -> None:
    source = (
        "import pytest\nfrom django.utils import timezone\n"
        "@pytest.mark.parametrize('day', [timezone.localdate()])\ndef test_x(day):\n    timezone.now()\n"
    )
    assert _reads_at_import(ast.parse(source)) == [3]
