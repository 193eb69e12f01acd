"""Green Book savings: discounting, linearity in the effect, additionality and the sensitivity table."""

import json

import numpy as np
import pytest

from outcomes.analysis import AnalysisError
from outcomes.analysis.savings import (
    Additionality,
    UnitCost,
    discount_factors,
    present_value,
    savings_npv,
)

JSA = UnitCost("out-of-work benefit", 5_000.0, "DWP benefit expenditure tables 2010-11", 2010, "exchequer")
OUTPUT = UnitCost(
    "output from employment", 12_000.0, "HM Treasury Green Book supplementary guidance", 2010, "social"
)
ADMIN = UnitCost("council case handling avoided", 800.0, "KCC unit cost returns", 2010, "cashable")


def test_npv_of_one_pound_for_76_years_matches_hand_computation():
    hand = sum(1.035**-t for t in range(31)) + 1.035**-30 * sum(1.03**-k for k in range(1, 46))
    assert present_value([1.0] * 76) == pytest.approx(hand, rel=1e-12)
    assert discount_factors(76)[30] == pytest.approx(1.035**-30)
    assert discount_factors(76)[31] == pytest.approx(1.035**-30 / 1.03)


def test_npv_is_linear_in_the_effect():
    kwargs = {"population": 20_000, "unit_costs": [JSA, OUTPUT, ADMIN], "horizon_years": 20}
    one = savings_npv(effect=-1.0, **kwargs)
    three = savings_npv(effect=-3.0, **kwargs)
    for a, b in zip(one.lines, three.lines, strict=True):
        assert b["npv"] == pytest.approx(3 * a["npv"])
    assert one.cases_per_year == pytest.approx(200.0)


def test_lines_are_separate_and_net_of_additionality_and_optimism_bias():
    add = Additionality(deadweight=0.3, displacement=0.1, leakage=0.05, substitution=0.0)
    result = savings_npv(
        effect=-2.0,
        population=20_000,
        unit_costs=[JSA, OUTPUT, ADMIN],
        additionality=add,
        optimism_bias=0.2,
        horizon_years=1,
        effect_basis="gross",
    )
    lines = {r["line"]: r for r in result.lines}
    assert set(lines) == {"exchequer", "social", "cashable"}
    factor = 0.7 * 0.9 * 0.95 * 0.8
    assert lines["exchequer"]["annual_net"] == pytest.approx(400 * 5_000 * factor)
    assert lines["exchequer"]["annual_gross"] == pytest.approx(400 * 5_000)
    assert lines["exchequer"]["npv"] == pytest.approx(400 * 5_000 * factor)
    assert "transfers" in result.note


def test_persistence_and_decay_shape_the_flows():
    result = savings_npv(
        effect=-1.0, population=10_000, unit_costs=[JSA], horizon_years=6, persistence_years=3, decay=0.5
    )
    assert [y["persistence"] for y in result.years] == [1, 1, 1, 0.5, 0.25, 0.125]
    flows = [y["exchequer_flow"] for y in result.years]
    assert result.lines[0]["npv"] == pytest.approx(present_value(flows))


def test_effect_uncertainty_carries_into_the_npv_interval():
    result = savings_npv(effect=-2.0, effect_se=0.5, population=20_000, unit_costs=[JSA], horizon_years=10)
    line = result.lines[0]
    per_unit = line["npv"] / -2.0
    assert line["npv_ci_low"] == pytest.approx(per_unit * (-2.0 + 1.959964 * 0.5), rel=1e-5)
    assert line["npv_ci_high"] == pytest.approx(per_unit * (-2.0 - 1.959964 * 0.5), rel=1e-5)
    assert line["npv_se"] == pytest.approx(abs(per_unit) * 0.5)
    assert json.loads(json.dumps(result.as_dict()))["lines"][0]["line"] == "exchequer"


def test_sensitivity_table_is_ordered_by_swing():
    add = Additionality(deadweight=0.3)
    result = savings_npv(
        effect=-2.0,
        effect_se=0.8,
        population=20_000,
        unit_costs=[JSA],
        additionality=add,
        horizon_years=10,
        persistence_years=4,
        decay=0.5,
        effect_basis="gross",
    )
    swings = [r["swing"] for r in result.sensitivity]
    assert swings == sorted(swings, reverse=True)
    # The effect's interval (+-78%) moves the NPV most; a +-0.1 change in leakage less than +-20% costs.
    order = [r["parameter"] for r in result.sensitivity]
    assert order[0] == "effect"
    assert order.index("unit_costs") < order.index("leakage")
    deadweight = next(r for r in result.sensitivity if r["parameter"] == "deadweight")
    assert deadweight["npv_at_low"] > deadweight["base_npv"] > deadweight["npv_at_high"]


def test_custom_ranges_override_defaults():
    result = savings_npv(
        effect=-2.0,
        population=20_000,
        unit_costs=[JSA],
        ranges={"deadweight": (0.0, 0.9)},
        effect_basis="gross",
    )
    row = next(r for r in result.sensitivity if r["parameter"] == "deadweight")
    assert (row["low"], row["high"]) == (0.0, 0.9)
    assert row["npv_at_high"] == pytest.approx(0.1 * row["npv_at_low"])


def test_mixed_price_years_warn_unless_deflated():
    old = UnitCost("admin", 800.0, "KCC 2008 returns", 2008, "cashable")
    warned = savings_npv(effect=-1.0, population=1_000, unit_costs=[JSA, old])
    assert any("price years" in w for w in warned.warnings)
    rebased = savings_npv(
        effect=-1.0, population=1_000, unit_costs=[JSA, old], deflators={2008: 95.0, 2010: 100.0}
    )
    assert not any("price years" in w for w in rebased.warnings)
    cashable = next(c for c in rebased.unit_costs if c["name"] == "admin")
    assert cashable["amount"] == pytest.approx(800 * 100 / 95)
    assert cashable["price_year"] == 2010


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"unit_costs": []}, "at least one UnitCost"),
        ({"unit_costs": [UnitCost("x", 1.0, "", 2010)]}, "has no source"),
        ({"unit_costs": [UnitCost("x", 1.0, "s", 2010, "gdp")]}, "has line 'gdp'"),
        ({"population": 0}, "population must be positive"),
        ({"additionality": Additionality(deadweight=1.2)}, "deadweight must be a share"),
        ({"horizon_years": 200}, "horizon_years"),
        ({"ranges": {"colour": (0, 1)}}, "unknown sensitivity parameter"),
    ],
)
def test_bad_parameters_are_refused(kwargs, message):
    args = {"effect": -1.0, "population": 1_000, "unit_costs": [JSA], **kwargs}
    with pytest.raises(AnalysisError, match=message):
        savings_npv(**args)


def test_beyond_the_schedule_is_refused():
    with pytest.raises(AnalysisError, match="beyond the Green Book schedule"):
        discount_factors(127)
    assert np.all(np.diff(discount_factors(126)) < 0)


def test_fixed_parameters_are_left_out_of_the_sensitivity_table() -> None:
    result = savings_npv(
        effect=-1.0, population=1000, unit_costs=[JSA], fixed=("deadweight", "optimism_bias")
    )
    varied = {row["parameter"] for row in result.sensitivity}
    assert "deadweight" not in varied
    assert "optimism_bias" not in varied
    assert "displacement" in varied


def test_deadweight_on_a_counterfactual_estimate_is_refused_when_called_directly() -> None:
    with pytest.raises(AnalysisError, match="counts it twice"):
        savings_npv(
            effect=-2.0, population=1_000, unit_costs=[JSA], additionality=Additionality(deadweight=0.2)
        )
    with pytest.raises(AnalysisError, match="counts it twice"):
        savings_npv(effect=-2.0, population=1_000, unit_costs=[JSA], ranges={"deadweight": (0.0, 0.5)})
    plain = savings_npv(effect=-2.0, population=1_000, unit_costs=[JSA])
    assert "deadweight" not in {row["parameter"] for row in plain.sensitivity}


def test_the_npv_interval_is_the_reported_interval_scaled_not_the_se() -> None:
    """A lopsided inverted-placebo interval (-5, -1) around -2 gives the NPV interval at those ends."""
    result = savings_npv(
        effect=-2.0, effect_se=0.3, effect_interval=(-5.0, -1.0), population=20_000, unit_costs=[JSA]
    )
    line = result.lines[0]
    per_unit = line["npv"] / -2.0
    assert (line["npv_ci_low"], line["npv_ci_high"]) == pytest.approx((per_unit * -1.0, per_unit * -5.0))
    effect = next(r for r in result.sensitivity if r["parameter"] == "effect")
    assert (effect["low"], effect["high"]) == (-5.0, -1.0)
    assert "reported" in result.inference


def test_a_zero_additionality_share_or_endless_persistence_is_warned_about() -> None:
    result = savings_npv(
        effect=-1.0, population=1_000, unit_costs=[JSA], additionality=Additionality(displacement=0.25)
    )
    warned = " ".join(result.warnings)
    assert "leakage is zero" in warned
    assert "substitution is zero" in warned
    assert "displacement is zero" not in warned
    assert "persist in full for all 10 years" in warned  # the default: the whole horizon
