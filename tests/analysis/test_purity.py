"""The analysis core imports pandas, numpy, scipy, statsmodels (and threadpoolctl), and nothing of Django or the project."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# threadpoolctl only pins the BLAS thread count of the numeric libraries (outcomes/analysis/fanout.py).
ALLOWED = {"pandas", "numpy", "scipy", "statsmodels", "threadpoolctl", "outcomes"}


def test_analysis_modules_import_only_the_allowed_libraries() -> None:
    stdlib = set(sys.stdlib_module_names)
    offenders = []
    for path in sorted((ROOT / "outcomes" / "analysis").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top not in ALLOWED | stdlib or (
                    top == "outcomes" and not name.startswith("outcomes.analysis")
                ):
                    offenders.append(f"{path.name}: {name}")
    assert offenders == []


def test_importing_the_analysis_core_loads_no_django() -> None:
    code = (
        "import sys, pkgutil, importlib, outcomes.analysis as a\n"
        "for m in pkgutil.iter_modules(a.__path__): importlib.import_module('outcomes.analysis.' + m.name)\n"
        "bad = sorted(k for k in sys.modules if k.split('.')[0] in {'django', 'rest_framework', 'celery'})\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
