"""Secondary outcomes' p-values adjusted by the plan's rule, checked by hand."""

import pytest

from outcomes.analysis import AnalysisError
from outcomes.analysis.multiple import adjust


def test_holm_multiplies_the_smallest_by_the_family_size_and_keeps_order() -> None:
    # Holm by hand: sorted 0.01, 0.02, 0.04 -> 3 x 0.01 = 0.03, max(0.03, 2 x 0.02) = 0.04, max(0.04, 0.04).
    found = adjust([0.04, 0.01, 0.02], "holm")
    assert [round(a, 6) for a, _ in found] == [0.04, 0.03, 0.04]  # type: ignore[misc]
    assert [r for _, r in found] == [True, True, True]  # type: ignore[misc]


def test_bh_controls_the_false_discovery_rate() -> None:
    # BH by hand: p_(i) x m / i, then the running minimum from the top: 0.03, 0.03, 0.04.
    found = adjust([0.04, 0.01, 0.02], "bh")
    assert [round(a, 6) for a, _ in found] == [0.04, 0.03, 0.03]  # type: ignore[misc]


def test_a_missing_p_value_is_not_counted_in_the_family() -> None:
    found = adjust([0.02, None, 0.04], "holm")
    assert found[1] is None
    assert round(found[0][0], 6) == 0.04  # type: ignore[index]  # a family of two


def test_an_unknown_rule_is_refused() -> None:
    with pytest.raises(AnalysisError, match="holm, bh"):
        adjust([0.1], "bonferroni")
