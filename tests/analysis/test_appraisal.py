"""Green Book social cost-benefit appraisal: NPSV, BCR, switching value and payback by hand, transfers kept
out of social value, deadweight refused on a counterfactual estimate, and the Monte Carlo interval."""

import pytest

from outcomes.analysis import AnalysisError
from outcomes.analysis.appraisal import BenefitLine, CostLine, Estimate, appraise

OUTPUT = BenefitLine("DWP administration avoided", 1000.0, "DWP", "central", True, "DWP unit costs")
JSA = BenefitLine("Out-of-work benefit", 5000.0, "DWP", "central", False, "DWP benefit tables")
HB_ADMIN = BenefitLine("Housing benefit administration", 200.0, "council", "local", True, "council returns")
STAFF = CostLine("Task force staff", 6000.0, 0, "budget")


def hand_example(**overrides):  # type: ignore[no-untyped-def]
    kwargs = {
        "effect": -1.0,
        "population": 1000.0,
        "benefits": [OUTPUT, JSA],
        "costs": [STAFF],
        "displacement": 0.5,
        "leakage": 0.0,
        "substitution": 0.0,
        "optimism_bias": 0.5,
        "horizon_years": 2,
        "persistence_years": 2,
        **overrides,
    }
    return appraise(**kwargs)


def test_npsv_bcr_switching_value_and_payback_match_a_hand_computation() -> None:
    """-1 point of 1,000 people is 10 cases, half displaced: 5 cases a year for two years.
    Social value 5 x £1,000 = £5,000 a year; PV = 5,000 + 5,000 / 1.035 = 9,830.918.
    Costs £6,000 in year 0 uplifted by 50% optimism bias = £9,000 (year 0 undiscounted).
    NPSV = 830.918; BCR = 9,830.918 / 9,000 = 1.092324; NPSV is zero at an effect of
    -9,000 / 9,830.918 = -0.915479 points; cumulative net is -4,000 in year 0 and +830.918 in year 1, so
    payback is year 1. The £5,000 benefit transfer per case counts for nothing in NPSV or BCR."""
    result = hand_example()
    pv_social = 5000 + 5000 / 1.035
    assert result.pv_social_benefits == pytest.approx(pv_social)
    assert result.pv_costs == pytest.approx(9000.0)
    assert result.npsv == pytest.approx(pv_social - 9000)
    assert result.npsv == pytest.approx(830.918, abs=1e-3)
    assert result.bcr == pytest.approx(1.092324, abs=1e-6)
    assert result.switching_effect == pytest.approx(-0.915479, abs=1e-6)
    assert result.payback_year == 1
    assert hand_example(effect=result.switching_effect).npsv == pytest.approx(0.0, abs=1e-6)


def test_transfers_are_shown_by_payer_but_not_counted_as_social_value() -> None:
    result = hand_example(benefits=[OUTPUT, JSA, HB_ADMIN])
    payers = {(r["payer"], r["level"]): r for r in result.by_payer}
    assert payers[("DWP", "central")]["transfers"] == pytest.approx(5 * 5000 * (1 + 1 / 1.035))
    assert payers[("council", "local")]["social_value"] == pytest.approx(5 * 200 * (1 + 1 / 1.035))
    assert result.pv_social_benefits == pytest.approx(5 * 1200 * (1 + 1 / 1.035))
    assert "transfers" in result.note


def test_deadweight_on_a_counterfactual_estimate_is_refused() -> None:
    with pytest.raises(AnalysisError, match="counts it twice"):
        hand_example(deadweight=0.2)


def test_a_zero_additionality_share_is_warned_about() -> None:
    warnings = " ".join(hand_example().warnings)
    assert "leakage is zero" in warnings
    assert "substitution is zero" in warnings
    assert "displacement is zero" not in warnings


def test_optimism_bias_raises_costs_and_leaves_benefits_alone() -> None:
    low, high = hand_example(optimism_bias=0.0), hand_example(optimism_bias=1.0)
    assert high.pv_costs == pytest.approx(2 * low.pv_costs)
    assert high.pv_social_benefits == pytest.approx(low.pv_social_benefits)


def test_the_interval_widens_when_the_methods_disagree() -> None:
    alone = hand_example(effect_se=0.1, draws=400, seed=3)
    spread = hand_example(effect_se=0.1, other_estimates=[("cs", -3.0, 0.1)], draws=400, seed=3)
    assert alone.npsv_interval is not None
    assert spread.npsv_interval is not None
    assert alone.npsv_interval[0] < alone.npsv < alone.npsv_interval[1]
    width = alone.npsv_interval[1] - alone.npsv_interval[0]
    assert spread.npsv_interval[1] - spread.npsv_interval[0] > 2 * width
    assert any("methods estimate between -3 and -1" in w for w in spread.warnings)


def test_the_json_names_npsv_bcr_and_switching_value() -> None:
    keys = set(hand_example(effect_se=0.1, draws=50).as_dict())
    assert {"npsv", "bcr", "switching_effect", "npsv_interval", "bcr_interval", "payback_year"} <= keys


def test_payback_waits_for_a_later_cost_to_be_recovered() -> None:
    """Year 0: +5,000 - 3,000 = 2,000; year 1: 2,000 + (5,000 - 9,000) / 1.035 < 0; year 2 recovers it, so
    payback is year 2, not year 0; with no year beyond the late cost there is none."""
    late = [CostLine("start", 2000.0, 0, "budget"), CostLine("late", 6000.0, 1, "budget")]
    assert hand_example(costs=late, horizon_years=3, persistence_years=3).payback_year == 2
    assert hand_example(costs=late).payback_year is None


def test_the_effect_is_drawn_from_the_runs_own_interval_not_its_se() -> None:
    """An inverted-placebo interval (-3.0, -0.5) around -1 is far wider below than a placebo SE of 0.1 says;
    the NPSV interval follows the reported interval."""
    by_se = hand_example(effect_se=0.1, draws=2000, seed=4)
    by_interval = hand_example(effect_se=0.1, effect_interval=(-3.0, -0.5), draws=2000, seed=4)
    assert by_se.npsv_interval is not None
    assert by_interval.npsv_interval is not None
    assert by_interval.npsv_interval[1] - by_interval.npsv_interval[0] > 2 * (
        by_se.npsv_interval[1] - by_se.npsv_interval[0]
    )
    # The split normal puts the upper end of the effect's draws (fewest cases, lowest NPSV) near -0.5.
    assert by_interval.npsv_interval[0] < hand_example(effect=-0.6).npsv
    assert "reported 95% interval" in by_interval.inference


def test_an_interval_alone_is_enough_for_the_monte_carlo() -> None:
    result = hand_example(effect_interval=(-1.5, -0.5), draws=200)
    assert result.npsv_interval is not None
    other = Estimate("sc", -2.0, None, -4.0, 0.5)
    spread = hand_example(effect_interval=(-1.5, -0.5), other_estimates=[other], draws=200)
    assert spread.npsv_interval is not None
    assert spread.npsv_interval[0] < result.npsv_interval[0]
    assert spread.npsv_interval[1] > result.npsv_interval[1]
