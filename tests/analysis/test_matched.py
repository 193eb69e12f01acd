import numpy as np
import pandas as pd
import pytest

from outcomes.analysis.errors import AnalysisError
from outcomes.analysis.matched import ipw_att, ipw_att_in_month

EXPERIMENTAL_ATT = 1794.34
# Dehejia and Wahba's (1999) propensity-score specification for NSW against CPS controls.
COVARIATES = [
    "age",
    "agesq",
    "educ",
    "educsq",
    "marr",
    "nodegree",
    "black",
    "hisp",
    "re74",
    "re75",
    "re74sq",
    "re75sq",
    "u74",
    "u75",
    "educ_re74",
]


def with_terms(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.astype({c: float for c in ["age", "educ", "re74", "re75"]})
    return frame.assign(
        agesq=frame["age"] ** 2,
        re74sq=frame["re74"] ** 2,
        re75sq=frame["re75"] ** 2,
        educsq=frame["educ"] ** 2,
        u74=(frame["re74"] == 0).astype(float),
        u75=(frame["re75"] == 0).astype(float),
        educ_re74=frame["educ"] * frame["re74"],
    )


@pytest.fixture(scope="module")
def nsw() -> pd.DataFrame:
    causaldata = pytest.importorskip("causaldata")
    return with_terms(causaldata.nsw_mixtape.load_pandas().data)


@pytest.fixture(scope="module")
def nsw_cps(nsw) -> pd.DataFrame:
    causaldata = pytest.importorskip("causaldata")
    cps = with_terms(causaldata.cps_mixtape.load_pandas().data)
    return pd.concat([nsw[nsw["treat"] == 1], cps], ignore_index=True)


def test_experimental_benchmark(nsw):
    gap = nsw.loc[nsw["treat"] == 1, "re78"].mean() - nsw.loc[nsw["treat"] == 0, "re78"].mean()
    assert gap == pytest.approx(EXPERIMENTAL_ATT, abs=0.01)


def test_weighting_with_cps_controls_recovers_the_experimental_effect(nsw_cps):
    result = ipw_att(nsw_cps, treatment="treat", outcome="re78", covariates=COVARIATES)
    assert result.naive_gap == pytest.approx(-8497.52, abs=0.01)
    assert result.estimate == pytest.approx(2044.0, abs=1.0)
    assert abs(result.estimate - EXPERIMENTAL_ATT) < abs(result.naive_gap - EXPERIMENTAL_ATT) / 30
    assert result.ci_low < EXPERIMENTAL_ATT < result.ci_high
    assert result.se == pytest.approx(931.4, abs=1.0)
    assert result.n_treated == 138
    assert result.n_control == 236
    assert result.max_abs_smd_before > 2
    assert result.max_abs_smd_after < 0.1
    assert result.trim == "scores outside [0.1, 0.9] dropped"
    assert "sandwich" in result.inference
    assert any("treated units fall outside the overlap region" in w for w in result.warnings)


def test_balance_table_lists_each_covariate(nsw_cps):
    result = ipw_att(nsw_cps, treatment="treat", outcome="re78", covariates=COVARIATES)
    table = result.balance_table()
    assert list(table.index) == COVARIATES
    assert table.loc["black", "smd_before"] > 1.5
    assert (table["smd_after"].abs() < 0.1).all()


def test_without_trimming_and_with_crump_rule(nsw_cps):
    untrimmed = ipw_att(nsw_cps, treatment="treat", outcome="re78", covariates=COVARIATES, trim=None)
    crump = ipw_att(nsw_cps, treatment="treat", outcome="re78", covariates=COVARIATES, trim="crump")
    assert untrimmed.trimmed_treated == 0
    assert untrimmed.n_treated == 185
    assert crump.trim.startswith("Crump et al. (2009) rule")
    for result in (untrimmed, crump):
        assert abs(result.estimate - EXPERIMENTAL_ATT) < 1000


def test_bootstrap_standard_error_is_close_to_the_sandwich(nsw):
    covariates = ["age", "educ", "black", "re74", "re75"]
    sandwich = ipw_att(nsw, treatment="treat", outcome="re78", covariates=covariates, trim=None)
    bootstrap = ipw_att(
        nsw,
        treatment="treat",
        outcome="re78",
        covariates=covariates,
        trim=None,
        se="bootstrap",
        bootstrap_reps=199,
    )
    assert bootstrap.estimate == sandwich.estimate
    assert bootstrap.se == pytest.approx(sandwich.se, rel=0.2)
    assert "bootstrap" in bootstrap.inference


def test_recovers_a_planted_effect_under_confounding():
    rng = np.random.default_rng(0)
    n = 4000
    age = rng.normal(40, 10, n)
    prior = rng.gamma(2, 2, n)
    treat = (rng.random(n) < 1 / (1 + np.exp(-(-1 + 0.05 * (age - 40) - 0.3 * (prior - 4))))).astype(int)
    outcome = 100 + 2 * age + 10 * prior - 15 * treat + rng.normal(0, 10, n)
    frame = pd.DataFrame({"treat": treat, "age": age, "prior": prior, "y": outcome})
    result = ipw_att(frame, treatment="treat", outcome="y", covariates=["age", "prior"], trim=None)
    assert result.estimate == pytest.approx(-15, abs=2.5)
    assert abs(result.naive_gap + 15) > 5


def test_small_groups_are_flagged():
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"treat": [1] * 6 + [0] * 60, "x": rng.normal(size=66), "y": rng.normal(size=66)})
    result = ipw_att(frame, treatment="treat", outcome="y", covariates=["x"], trim=None)
    assert any("6 treated units" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.drop(columns="re75"), "missing column: re75"),
        (lambda f: f.assign(treat=2), "column 'treat' must be 0/1"),
        (lambda f: f.assign(age=np.nan), "column 'age' has"),
        (lambda f: f.assign(hisp=0), r"covariate\(s\) with no variation: hisp"),
    ],
)
def test_bad_data_is_refused(nsw, change, message):
    with pytest.raises(AnalysisError, match=message):
        ipw_att(change(nsw), treatment="treat", outcome="re78", covariates=["age", "re75", "hisp"])


def staggered_support(seed: int = 3) -> pd.DataFrame:
    """Households supported before, in and after the outcome month 2012-09, and never; effect -0.2 once supported.

    Households about to be supported are heading into need: their outcome is 0.3 worse, so counting them
    as treated or as comparisons would bias the estimate.
    """
    rng = np.random.default_rng(seed)
    n = 3000
    age = rng.normal(40, 10, n)
    prior = rng.random(n)
    group = rng.choice(["before", "in", "later", "never"], size=n, p=[0.35, 0.03, 0.12, 0.5])
    months = {
        "before": pd.period_range("2010-09", "2012-08", freq="M"),
        "in": pd.period_range("2012-09", "2012-09", freq="M"),
        "later": pd.period_range("2012-10", "2014-03", freq="M"),
    }
    start = [None if g == "never" else str(months[g][rng.integers(len(months[g]))]) for g in group]
    outcome = (
        0.2
        + 0.005 * (age - 40)
        + 0.4 * prior
        - 0.2 * (group == "before")
        + 0.3 * np.isin(group, ["in", "later"])
        + rng.normal(0, 0.1, n)
    )
    return pd.DataFrame({"age": age, "prior": prior, "start": start, "y": outcome, "group": group})


def test_households_supported_after_the_outcome_month_are_not_treated():
    frame = staggered_support()
    result = ipw_att_in_month(
        frame, start="start", month="2012-09", outcome="y", covariates=["age", "prior"], trim=None
    )
    counts = frame["group"].value_counts()
    assert result.n_treated == counts["before"]
    assert result.n_control == counts["never"]
    assert result.excluded_started_in_month == counts["in"]
    assert result.excluded_started_later == counts["later"]
    assert result.outcome_month == "2012-09"
    assert result.estimate == pytest.approx(-0.2, abs=0.02)
    assert result.ci_low < -0.2 < result.ci_high
    assert "support began before 2012-09" in result.inference
    assert any(f"{counts['later']} whose support began later were left out" in w for w in result.warnings)
    # Counting every ever-supported household as treated, as before, misses the effect by far.
    ever = frame.assign(treat=frame["start"].notna().astype(int))
    naive = ipw_att(ever, treatment="treat", outcome="y", covariates=["age", "prior"], trim=None)
    assert abs(naive.estimate + 0.2) > 0.05


def test_support_months_must_be_months():
    frame = staggered_support().assign(start="soon")
    with pytest.raises(AnalysisError, match="must be months"):
        ipw_att_in_month(frame, start="start", month="2012-09", outcome="y", covariates=["age"])
