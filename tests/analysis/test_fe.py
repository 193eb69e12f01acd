from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels

from outcomes.analysis import absorb
from outcomes.analysis.absorb import demean
from outcomes.analysis.errors import AnalysisError
from outcomes.analysis.fe import feols

pyfixest = pytest.importorskip("pyfixest")


def random_panel(seed: int, n: int = 3000, units: int = 300, periods: int = 20) -> pd.DataFrame:
    """An unbalanced panel with unit and period effects correlated with the regressors."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"unit": rng.integers(0, units, n), "period": rng.integers(0, periods, n)})
    frame = frame.drop_duplicates(["unit", "period"]).reset_index(drop=True)
    m = len(frame)
    frame["x1"] = rng.normal(size=m) + frame["unit"] % 7
    frame["x2"] = rng.normal(size=m) + 0.1 * frame["period"]
    frame["w"] = rng.uniform(0.5, 2.0, m)
    frame["y"] = (
        0.5 * frame["x1"]
        - 0.3 * frame["x2"]
        + 0.01 * frame["unit"]
        + np.sin(frame["period"])
        + rng.normal(size=m)
    )
    return frame


def peer(frame: pd.DataFrame, vcov: object, weights: str | None = None) -> pd.DataFrame:
    model = pyfixest.feols("y ~ x1 + x2 | unit + period", frame, vcov=vcov, weights=weights)
    return model.tidy()


@pytest.fixture(scope="module")
def petersen() -> pd.DataFrame:
    path = Path(statsmodels.__file__).parent / "stats" / "tests" / "test_data.txt"
    return pd.read_csv(path, sep=r"\s+", header=None, names=["firmid", "year", "x", "y"])


@pytest.fixture(scope="module")
def castle() -> pd.DataFrame:
    causaldata = pytest.importorskip("causaldata")
    return causaldata.castle.load_pandas().data


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("weights", [None, "w"])
def test_matches_pyfixest_with_unit_clustered_errors(seed, weights):
    frame = random_panel(seed)
    ours = feols(frame, "y", ["x1", "x2"], ["unit", "period"], cluster="unit", weights=weights).table()
    theirs = peer(frame, {"CRV1": "unit"}, weights)
    np.testing.assert_allclose(ours["estimate"], theirs["Estimate"], rtol=0, atol=1e-8)
    np.testing.assert_allclose(ours["se"], theirs["Std. Error"], rtol=0, atol=1e-6)


@pytest.mark.parametrize(("ours", "theirs"), [("iid", "iid"), ("HC1", "hetero")])
def test_matches_pyfixest_iid_and_hc1(ours, theirs):
    frame = random_panel(4)
    table = feols(frame, "y", ["x1", "x2"], ["unit", "period"], vcov=ours).table()
    np.testing.assert_allclose(table["se"], peer(frame, theirs)["Std. Error"], rtol=0, atol=1e-8)


def test_matches_pyfixest_two_way_clustering():
    frame = random_panel(5)
    table = feols(frame, "y", ["x1", "x2"], ["unit", "period"], cluster=["unit", "period"]).table()
    np.testing.assert_allclose(table["se"], peer(frame, {"CRV1": "unit+period"})["Std. Error"], atol=1e-8)


def test_drops_singletons_like_pyfixest():
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({"unit": rng.integers(0, 200, 500), "period": rng.integers(0, 30, 500)})
    frame = frame.drop_duplicates(["unit", "period"]).reset_index(drop=True)
    frame["x1"] = rng.normal(size=len(frame))
    frame["x2"] = rng.normal(size=len(frame))
    frame["y"] = frame["x1"] + rng.normal(size=len(frame))
    result = feols(frame, "y", ["x1", "x2"], ["unit", "period"], cluster="unit")
    model = pyfixest.feols("y ~ x1 + x2 | unit + period", frame, vcov={"CRV1": "unit"})
    assert result.singletons_dropped == len(frame) - model._N > 0
    assert result.n_obs == model._N
    assert any("singleton" in w for w in result.warnings)
    np.testing.assert_allclose(result.table()["estimate"], model.coef(), atol=1e-8)
    np.testing.assert_allclose(result.table()["se"], model.se(), atol=1e-6)


def test_petersen_published_standard_errors(petersen):
    ols = feols(petersen, "y", ["x"], [])
    assert ols.estimate == pytest.approx(1.0348, abs=5e-5)
    assert ols.se == pytest.approx(0.0286, abs=5e-5)
    assert feols(petersen, "y", ["x"], [], cluster="firmid").se == pytest.approx(0.0506, abs=5e-5)
    assert feols(petersen, "y", ["x"], [], cluster="year").se == pytest.approx(0.0334, abs=5e-5)
    two_way = feols(petersen, "y", ["x"], [], cluster=["firmid", "year"], cluster_df="conventional")
    assert two_way.se == pytest.approx(0.0536, abs=5e-5)


def test_petersen_two_way_in_fixest_convention(petersen):
    """fixest's default uses min(G)/(min(G)-1) for all three terms, so its two-way SE is larger."""
    ours = feols(petersen, "y", ["x"], [], cluster=["firmid", "year"])
    theirs = pyfixest.feols("y ~ x", petersen, vcov={"CRV1": "firmid+year"})
    assert ours.se == pytest.approx(0.055297, abs=1e-6)
    assert ours.se == pytest.approx(theirs.se().loc["x"], abs=1e-10)


def test_castle_doctrine_matches_stata_xtdidregress(castle):
    result = feols(castle, "l_homicide", ["post"], ["sid", "year"], cluster="sid")
    assert result.estimate == pytest.approx(0.0693984, abs=5e-8)
    # K = 1 slope + 11 year effects (state effects are nested in the state clusters), the same K Stata uses.
    assert result.se == pytest.approx(0.0558596, abs=5e-8)
    assert result.df_k == 12
    assert result.n_clusters == 50
    assert "CRV1" in result.inference


def test_demean_one_factor_is_exact():
    values = np.array([1.0, 3.0, 5.0, 7.0])
    out, sweeps = demean(values, [np.array([0, 0, 1, 1])])
    np.testing.assert_allclose(out, [-1, 1, -1, 1])
    assert sweeps == 1


def test_regressor_absorbed_by_fixed_effects_is_dropped_with_a_warning():
    frame = random_panel(6)
    frame["unit_trait"] = frame["unit"] % 3
    result = feols(frame, "y", ["x1", "unit_trait"], ["unit", "period"], cluster="unit")
    assert result.collinear_dropped == ("unit_trait",)
    assert [c.name for c in result.coefficients] == ["x1"]


def test_constant_regressor_without_fixed_effects_is_refused():
    frame = random_panel(10).assign(x2=1.0)
    with pytest.raises(AnalysisError, match="column\\(s\\) with no variation: x2"):
        feols(frame, "y", ["x1", "x2"], [])


def test_few_clusters_are_flagged():
    frame = random_panel(7)
    frame["region"] = frame["unit"] % 10
    result = feols(frame, "y", ["x1"], ["unit", "period"], cluster="region")
    assert result.n_clusters == 10
    assert any("only 10 clusters" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.drop(columns="x2"), "missing column(s): x2"),
        (lambda f: f.assign(x1=f["x1"].where(f.index != 3)), "column 'x1' has 1 missing values"),
        (lambda f: f.assign(w=0.0), "weights that are zero or negative"),
        (lambda f: f.assign(x1="a"), "column 'x1' must be numeric"),
    ],
)
def test_bad_data_is_refused_with_a_named_column(change, message):
    frame = change(random_panel(8))
    with pytest.raises(AnalysisError, match=message.replace("(", r"\(").replace(")", r"\)")):
        feols(frame, "y", ["x1", "x2"], ["unit", "period"], cluster="unit", weights="w")


def test_result_is_json_ready():
    result = feols(random_panel(9), "y", ["x1", "x2"], ["unit", "period"], cluster="unit")
    data = result.as_dict()
    assert data["coefficients"][0]["name"] == "x1"
    assert data["n_clusters"] == result.n_clusters


def alternating(monkeypatch) -> None:
    """Force alternating projections even where the exact two-way path or conjugate gradients apply."""
    monkeypatch.setattr(absorb, "EXACT_MAX_LEVELS", 0)
    monkeypatch.setattr(absorb, "CONJUGATE_GRADIENT", False)


def singleton_panel(seed: int) -> pd.DataFrame:
    """Unbalanced, with units and periods seen once (dropped repeatedly) and positive weights."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"unit": rng.integers(0, 400, 900), "period": rng.integers(0, 40, 900)})
    frame = frame.drop_duplicates(["unit", "period"]).reset_index(drop=True)
    m = len(frame)
    frame["x1"] = rng.normal(size=m) + frame["unit"] % 5
    frame["x2"] = rng.normal(size=m) + 0.05 * frame["period"]
    frame["w"] = rng.uniform(0.2, 3.0, m)
    frame["y"] = frame["x1"] - 0.5 * frame["x2"] + np.cos(frame["period"]) + rng.normal(size=m)
    return frame


@pytest.mark.parametrize("seed", [11, 12])
@pytest.mark.parametrize("weights", [None, "w"])
def test_exact_two_way_demeaning_equals_alternating_projections(seed, weights, monkeypatch):
    frame = random_panel(seed)
    codes = [pd.factorize(frame[c])[0].astype(np.intp) for c in ["unit", "period"]]
    values = frame[["y", "x1", "x2"]].to_numpy()
    w = None if weights is None else frame[weights].to_numpy()
    exact, sweeps = demean(values, codes, w)
    assert sweeps == 1
    alternating(monkeypatch)
    iterated, sweeps = demean(values, codes, w, tol=1e-14)
    assert sweeps > 1
    np.testing.assert_allclose(exact, iterated, rtol=0, atol=1e-10)


@pytest.mark.parametrize("seed", [13, 14])
@pytest.mark.parametrize("weights", [None, "w"])
@pytest.mark.parametrize("vcov", [{"CRV1": "unit"}, "iid", "hetero"])
def test_exact_path_matches_alternating_projections_and_pyfixest_with_singletons(
    seed, weights, vcov, monkeypatch
):
    frame = singleton_panel(seed)
    kwargs = (
        {"cluster": "unit"} if isinstance(vcov, dict) else {"vcov": {"iid": "iid", "hetero": "HC1"}[vcov]}
    )
    exact = feols(frame, "y", ["x1", "x2"], ["unit", "period"], weights=weights, **kwargs)
    assert exact.singletons_dropped > 0
    assert exact.demean_iterations == 1
    theirs = peer(frame, vcov, weights)
    np.testing.assert_allclose(exact.table()["estimate"], theirs["Estimate"], rtol=0, atol=1e-8)
    np.testing.assert_allclose(exact.table()["se"], theirs["Std. Error"], rtol=0, atol=1e-6)
    alternating(monkeypatch)
    iterated = feols(frame, "y", ["x1", "x2"], ["unit", "period"], weights=weights, **kwargs)
    assert iterated.demean_iterations > 1
    assert exact.n_obs == iterated.n_obs
    assert exact.df_k == iterated.df_k
    np.testing.assert_allclose(exact.table()["estimate"], iterated.table()["estimate"], rtol=0, atol=1e-8)
    np.testing.assert_allclose(exact.table()["se"], iterated.table()["se"], rtol=0, atol=1e-6)


def test_exact_path_in_many_blocks_unsorted_rows_and_either_factor_few(monkeypatch):
    frame = random_panel(15)
    whole = feols(frame, "y", ["x1", "x2"], ["unit", "period"], cluster="unit", weights="w").table()
    flipped = feols(frame, "y", ["x1", "x2"], ["period", "unit"], cluster="unit", weights="w").table()
    shuffled = frame.sample(frac=1.0, random_state=3)
    monkeypatch.setattr(absorb, "EXACT_BLOCK_CELLS", 500)
    blocks = feols(frame, "y", ["x1", "x2"], ["unit", "period"], cluster="unit", weights="w").table()
    unsorted = feols(shuffled, "y", ["x1", "x2"], ["unit", "period"], cluster="unit", weights="w").table()
    for other in (flipped, blocks, unsorted):
        np.testing.assert_allclose(whole.to_numpy(), other.to_numpy(), rtol=1e-10, atol=1e-12)


def test_exact_path_on_a_panel_in_disconnected_pieces(monkeypatch):
    """Units and periods in two separate blocks: the normal equations have a two-dimensional null space."""
    first, second = random_panel(16, units=150, periods=10), random_panel(17, units=150, periods=10)
    second = second.assign(unit=second["unit"] + 1000, period=second["period"] + 100)
    frame = pd.concat([first, second], ignore_index=True)
    codes = [pd.factorize(frame[c])[0].astype(np.intp) for c in ["unit", "period"]]
    values = frame[["y", "x1"]].to_numpy()
    exact = demean(values, codes, frame["w"].to_numpy())[0]
    ours = feols(frame, "y", ["x1", "x2"], ["unit", "period"], cluster="unit")
    theirs = peer(frame, {"CRV1": "unit"})
    np.testing.assert_allclose(ours.table()["estimate"], theirs["Estimate"], rtol=0, atol=1e-8)
    np.testing.assert_allclose(ours.table()["se"], theirs["Std. Error"], rtol=0, atol=1e-6)
    alternating(monkeypatch)
    np.testing.assert_allclose(exact, demean(values, codes, frame["w"].to_numpy(), tol=1e-14)[0], atol=1e-10)


def test_many_levels_on_both_factors_use_conjugate_gradients(monkeypatch):
    frame = random_panel(18)
    monkeypatch.setattr(absorb, "EXACT_MAX_LEVELS", 5)
    result = feols(frame, "y", ["x1", "x2"], ["unit", "period"], cluster="unit", weights="w")
    assert result.demean_iterations > 1
    theirs = peer(frame, {"CRV1": "unit"}, "w")
    np.testing.assert_allclose(result.table()["estimate"], theirs["Estimate"], rtol=0, atol=1e-8)
    np.testing.assert_allclose(result.table()["se"], theirs["Std. Error"], rtol=0, atol=1e-6)
    alternating(monkeypatch)
    iterated = feols(frame, "y", ["x1", "x2"], ["unit", "period"], cluster="unit", weights="w")
    np.testing.assert_allclose(result.table().to_numpy(), iterated.table().to_numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(
    "values",
    [
        np.array([5, 3, 5, 9, 3]),
        np.array([2.0, -1.0, 2.0, 7.0]),
        np.array([0.5, 1.5, 0.5]),
        np.array([True, False, True]),
        np.array([-(2**62), 2**62, -(2**62)]),
        np.array([-100, 100, 5, -100], dtype=np.int8),
        np.array([2**64 - 1, 2**64 - 3, 2**64 - 1], dtype=np.uint64),
        np.array(["b", "a", "b"], dtype=object),
    ],
)
def test_factor_codes_identify_equal_values(values):
    codes, size = absorb.factor_codes(values)
    assert size == len(set(values.tolist())) == codes.max() + 1
    pairs = {(a, b) for a, b in zip(values.tolist(), codes.tolist(), strict=True)}
    assert len(pairs) == size
