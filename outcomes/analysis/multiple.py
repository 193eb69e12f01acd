"""Multiple testing across a plan's secondary outcomes: Holm (family-wise error rate) or Benjamini-Hochberg
(false discovery rate) adjusted p-values, from statsmodels' `multipletests`."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from statsmodels.stats.multitest import multipletests

from .errors import AnalysisError

RULES = {"holm": "holm", "bh": "fdr_bh"}
RULE_NAMES = {
    "holm": "Holm step-down adjustment, controlling the family-wise error rate",
    "bh": "Benjamini-Hochberg adjustment, controlling the false discovery rate",
}


def adjust(
    p_values: Sequence[float | None], rule: str, *, alpha: float = 0.05
) -> list[tuple[float, bool] | None]:
    """Adjusted p-value and rejection at `alpha` for each p-value, under `rule` ("holm" or "bh"). A missing
    p-value (an outcome that could not be estimated) stays None and is not counted in the family."""
    if rule not in RULES:
        raise AnalysisError(f"multiple-testing rule must be one of {', '.join(RULES)}; got {rule!r}")
    present = [i for i, p in enumerate(p_values) if p is not None and np.isfinite(p)]
    out: list[tuple[float, bool] | None] = [None] * len(p_values)
    if not present:
        return out
    given = np.array([float(p_values[i]) for i in present])  # type: ignore[arg-type]
    reject, adjusted, _, _ = multipletests(given, alpha=alpha, method=RULES[rule])
    for k, i in enumerate(present):
        out[i] = (float(adjusted[k]), bool(reject[k]))
    return out
