"""Minimum detectable effects and multiple-testing adjustments."""

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from outcomes.analysis import AnalysisError
from outcomes.analysis.power import adjust_pvalues, mde_did, mde_two_group


def test_did_mde_follows_the_stated_formula():
    result = mde_did(n_treated=2, n_control=250, pre_periods=24, post_periods=36, sd=2.0, icc=0.6)
    se = np.sqrt(0.4 * 4.0 * (1 / 24 + 1 / 36) * (1 / 2 + 1 / 250))
    df = 250
    assert result.se == pytest.approx(se)
    assert result.mde == pytest.approx((stats.t.ppf(0.975, df) + stats.t.ppf(0.8, df)) * se)
    assert "McKenzie" in result.formula
    assert any("treated unit" in w for w in result.warnings)


def test_more_periods_and_units_shrink_the_mde():
    base = mde_did(n_treated=2, n_control=50, pre_periods=12, post_periods=12, sd=1.0).mde
    assert mde_did(n_treated=4, n_control=50, pre_periods=12, post_periods=12, sd=1.0).mde < base
    assert mde_did(n_treated=2, n_control=50, pre_periods=48, post_periods=48, sd=1.0).mde < base
    assert mde_did(n_treated=2, n_control=50, pre_periods=12, post_periods=12, sd=1.0, icc=0.5).mde < base


def test_two_group_mde_matches_textbook_value():
    # Two groups of 393 with sd 1 detect 0.2 SD at 80% power, 5% two-sided (Cohen's classic table).
    result = mde_two_group(n1=393, n2=393, sd=1.0)
    assert result.mde == pytest.approx(0.2, abs=0.001)
    clustered = mde_two_group(n1=393, n2=393, sd=1.0, icc=0.05, cluster_size=21)
    assert clustered.mde == pytest.approx(0.2 * np.sqrt(2.0), abs=0.001)


@pytest.mark.parametrize(("ours", "theirs"), [("holm", "holm"), ("bh", "fdr_bh")])
def test_adjustments_match_statsmodels(ours, theirs):
    rng = np.random.default_rng(7)
    p = np.concatenate([rng.uniform(0, 0.05, 5), rng.uniform(0, 1, 15), [0.04, 0.04]])
    names = [f"outcome_{i}" for i in range(p.size)]
    result = adjust_pvalues(dict(zip(names, p, strict=True)), method=ours)
    reject, adjusted, _, _ = multipletests(p, alpha=0.05, method=theirs)
    assert [r["adjusted"] for r in result.rows] == pytest.approx(adjusted)
    assert [r["reject"] for r in result.rows] == list(reject)


def test_bad_inputs_are_refused():
    with pytest.raises(AnalysisError, match="n_treated"):
        mde_did(n_treated=0, n_control=5, pre_periods=2, post_periods=2, sd=1.0)
    with pytest.raises(AnalysisError, match="sd must be positive"):
        mde_two_group(n1=20, n2=20, sd=0.0)
    with pytest.raises(AnalysisError, match="p-values must be"):
        adjust_pvalues({"a": 1.2})
    with pytest.raises(AnalysisError, match="holm"):
        adjust_pvalues({"a": 0.2}, method="bonferroni")
