"""The absorber with two or more high-dimensional fixed effects: conjugate gradients on the normal equations
reduced by the largest factor, against dummy-variable least squares and alternating projections."""

import numpy as np
import pandas as pd
import pytest

from outcomes.analysis import absorb
from outcomes.analysis.absorb import demean
from outcomes.analysis.fe import feols


def movers(seed: int, people: int = 120, properties: int = 30, months: int = 24, moving: float = 0.5):
    """People seen over random windows of months, living in one home or moving once to another."""
    rng = np.random.default_rng(seed)
    rows = []
    for person in range(people):
        length = int(rng.integers(3, months + 1))
        start = int(rng.integers(0, months - length + 1))
        homes = rng.integers(0, properties, 2)
        move = int(rng.integers(1, length)) if rng.random() < moving else length
        for t in range(length):
            rows.append((person, int(homes[0] if t < move else homes[1]), start + t))
    frame = pd.DataFrame(rows, columns=["person", "property", "month"])
    m = len(frame)
    frame["x1"] = rng.normal(size=m) + 0.02 * frame["person"]
    frame["x2"] = rng.normal(size=m) + 0.1 * frame["month"] + 0.05 * frame["property"]
    frame["w"] = rng.uniform(0.2, 3.0, m)
    frame["y"] = 0.5 * frame["x1"] - 0.3 * frame["x2"] + np.sin(frame["property"]) + rng.normal(size=m)
    return frame


def codes_of(frame: pd.DataFrame, factors: list[str]) -> list[np.ndarray]:
    return [pd.factorize(frame[f])[0].astype(np.intp) for f in factors]


def dummy_residuals(values: np.ndarray, codes: list[np.ndarray], w: np.ndarray | None) -> np.ndarray:
    """Weighted least-squares residuals on every level's indicator (rank-deficient; lstsq's SVD copes)."""
    dummies = np.column_stack([np.eye(int(c.max()) + 1)[c] for c in codes])
    root = np.ones(len(values)) if w is None else np.sqrt(w)
    coef = np.linalg.lstsq(dummies * root[:, None], values * root[:, None], rcond=None)[0]
    return values - dummies @ coef


def conjugate_gradients_only(monkeypatch) -> None:
    """Fail rather than hand any column to alternating projections."""
    original = absorb._reduced_conjugate_gradient

    def checked(*args, **kwargs):
        iterations, stalled = original(*args, **kwargs)
        assert stalled.size == 0
        return iterations, stalled

    monkeypatch.setattr(absorb, "_reduced_conjugate_gradient", checked)


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("weights", [None, "w"])
def test_three_factors_match_dummy_variable_least_squares(seed, weights, monkeypatch):
    conjugate_gradients_only(monkeypatch)
    frame = movers(seed)
    codes = codes_of(frame, ["person", "property", "month"])
    values = frame[["y", "x1", "x2"]].to_numpy()
    w = None if weights is None else frame[weights].to_numpy()
    ours, iterations = demean(values, codes, w)
    assert iterations > 1
    np.testing.assert_allclose(ours, dummy_residuals(values, codes, w), rtol=0, atol=1e-10)


def test_factor_order_and_row_order_do_not_matter(monkeypatch):
    conjugate_gradients_only(monkeypatch)
    frame = movers(3)
    values = frame[["y", "x1"]].to_numpy()
    w = frame["w"].to_numpy()
    ours = demean(values, codes_of(frame, ["person", "property", "month"]), w)[0]
    flipped = demean(values, codes_of(frame, ["month", "property", "person"]), w)[0]
    order = np.random.default_rng(0).permutation(len(frame))
    shuffled = frame.iloc[order]
    reordered = demean(values[order], codes_of(shuffled, ["person", "property", "month"]), w[order])[0]
    np.testing.assert_allclose(ours, flipped, rtol=0, atol=1e-11)
    np.testing.assert_allclose(ours[order], reordered, rtol=0, atol=1e-11)


def test_disconnected_mobility_groups(monkeypatch):
    """Two groups of people who only ever live in their own group's properties: the reduced normal
    equations have a larger null space (a constant can move between property and person in each group)."""
    conjugate_gradients_only(monkeypatch)
    first, second = movers(4, people=80, properties=20), movers(5, people=80, properties=20)
    second = second.assign(person=second["person"] + 1000, property=second["property"] + 1000)
    frame = pd.concat([first, second], ignore_index=True)
    codes = codes_of(frame, ["person", "property", "month"])
    values = frame[["y", "x1", "x2"]].to_numpy()
    w = frame["w"].to_numpy()
    np.testing.assert_allclose(demean(values, codes, w)[0], dummy_residuals(values, codes, w), atol=1e-10)


def test_groups_joined_by_one_mover(monkeypatch):
    """Two mobility groups joined by a single person who moves from one to the other: nearly singular."""
    conjugate_gradients_only(monkeypatch)
    first = movers(6, people=80, properties=20, moving=0.3)
    second = movers(7, people=80, properties=20, moving=0.3)
    second = second.assign(person=second["person"] + 1000, property=second["property"] + 1000)
    month = np.arange(6, 14)
    bridge = pd.DataFrame({"person": 5000, "property": np.where(month < 10, 0, 1000), "month": month})
    bridge[["x1", "x2", "y"]] = np.random.default_rng(8).normal(size=(8, 3))
    bridge["w"] = 1.0
    frame = pd.concat([first, second, bridge], ignore_index=True)
    codes = codes_of(frame, ["person", "property", "month"])
    values = frame[["y", "x1", "x2"]].to_numpy()
    for w in (None, frame["w"].to_numpy()):
        np.testing.assert_allclose(demean(values, codes, w)[0], dummy_residuals(values, codes, w), atol=1e-10)


def test_four_factors_and_a_property_nested_in_one_person(monkeypatch):
    """A fourth factor (landlord, coarser than property) and a property lived in by one person who lives
    nowhere else, whose row of the reduced normal equations is zero (left out of the preconditioner)."""
    conjugate_gradients_only(monkeypatch)
    frame = movers(9)
    hermit = pd.DataFrame(
        {"person": 999, "property": 999, "month": np.arange(5, 11), "x1": np.arange(6.0), "x2": 1.0}
    )
    hermit["w"], hermit["y"] = 1.5, np.cos(np.arange(6.0))
    frame = pd.concat([frame, hermit], ignore_index=True)
    frame["landlord"] = frame["property"] % 7
    codes = codes_of(frame, ["person", "property", "month", "landlord"])
    values = frame[["y", "x1", "x2"]].to_numpy()
    w = frame["w"].to_numpy()
    ours = demean(values, codes, w)[0]
    np.testing.assert_allclose(ours, dummy_residuals(values, codes, w), rtol=0, atol=1e-10)


@pytest.mark.parametrize("weights", [None, "w"])
def test_agrees_with_alternating_projections(weights, monkeypatch):
    frame = movers(10, people=400, properties=60, months=36, moving=0.2)
    codes = codes_of(frame, ["person", "property", "month"])
    values = frame[["y", "x1", "x2"]].to_numpy()
    w = None if weights is None else frame[weights].to_numpy()
    ours, iterations = demean(values, codes, w)
    monkeypatch.setattr(absorb, "CONJUGATE_GRADIENT", False)
    iterated, sweeps = demean(values, codes, w, tol=1e-14)
    assert sweeps > iterations
    np.testing.assert_allclose(ours, iterated, rtol=0, atol=1e-10)


def test_a_stalled_column_falls_back_to_alternating_projections(monkeypatch):
    frame = movers(11)
    codes = codes_of(frame, ["person", "property", "month"])
    values = frame[["y", "x1"]].to_numpy()
    monkeypatch.setattr(absorb, "CG_STALL_ITERATIONS", 0)  # every column stops after one iteration
    original = absorb._reduced_conjugate_gradient
    handed_back = []

    def spy(*args, **kwargs):
        iterations, stalled = original(*args, **kwargs)
        handed_back.append(stalled.tolist())
        return iterations, stalled

    monkeypatch.setattr(absorb, "_reduced_conjugate_gradient", spy)
    ours, sweeps = demean(values, codes, tol=1e-13)
    assert handed_back == [[0, 1]]
    assert sweeps > 1
    np.testing.assert_allclose(ours, dummy_residuals(values, codes, None), rtol=0, atol=1e-10)


@pytest.mark.parametrize("shift", [0.0, 1e6])
def test_a_column_constant_within_people_is_absorbed(shift, monkeypatch):
    """Its reduced right-hand side is rounding noise, which conjugate gradients must not chase."""
    conjugate_gradients_only(monkeypatch)
    frame = movers(12)
    codes = codes_of(frame, ["person", "property", "month"])
    person = frame["person"].to_numpy()
    values = np.column_stack([person % 5 * 1.0 + shift, frame["y"].to_numpy() + shift])
    w = frame["w"].to_numpy()
    ours = demean(values, codes, w)[0]
    # Accurate relative to the column's own size, as alternating projections are (tol * max |column|).
    scale = 1e-12 * max(shift, 1.0)
    np.testing.assert_allclose(ours[:, 0], 0.0, atol=scale)
    np.testing.assert_allclose(ours[:, 1], dummy_residuals(values[:, 1:] - shift, codes, w)[:, 0], atol=scale)


@pytest.mark.parametrize("weights", [None, "w"])
def test_feols_with_person_property_and_month_matches_pyfixest(weights):
    pyfixest = pytest.importorskip("pyfixest")
    frame = movers(13, people=300, properties=50)
    ours = feols(frame, "y", ["x1", "x2"], ["person", "property", "month"], cluster="person", weights=weights)
    theirs = pyfixest.feols(
        "y ~ x1 + x2 | person + property + month",
        frame,
        vcov={"CRV1": "person"},
        weights=weights,
        fixef_tol=1e-12,
    ).tidy()
    np.testing.assert_allclose(ours.table()["estimate"], theirs["Estimate"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(ours.table()["se"], theirs["Std. Error"], rtol=0, atol=1e-8)
