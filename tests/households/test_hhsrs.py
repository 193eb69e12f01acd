import pytest

from households.hhsrs import band_for_score, category_for_score, rate, score_from_judgements

# Every band edge: (score, band, category). Bands A-C are Category 1 (score >= 1,000).
EDGES = [
    (0, "J", 2),
    (9, "J", 2),
    (10, "I", 2),
    (19, "I", 2),
    (20, "H", 2),
    (49, "H", 2),
    (50, "G", 2),
    (99, "G", 2),
    (100, "F", 2),
    (199, "F", 2),
    (200, "E", 2),
    (499, "E", 2),
    (500, "D", 2),
    (999, "D", 2),
    (1000, "C", 1),
    (1999, "C", 1),
    (2000, "B", 1),
    (4999, "B", 1),
    (5000, "A", 1),
    (250_000, "A", 1),
]


@pytest.mark.parametrize(("score", "band", "category"), EDGES)
def test_score_gives_band_and_category_at_every_edge(score: int, band: str, category: int) -> None:
    assert band_for_score(score) == band
    assert category_for_score(score) == category
    assert rate(score).band == band


def test_negative_score_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot be negative"):
        band_for_score(-1)


def test_score_from_likelihood_and_spread_of_harm() -> None:
    # 1 in 100, spread I 0%, II 4.6%, III 10%, IV 85.4%: (0 + 4,600 + 3,000 + 854) / 100 = 84.54 -> 85
    assert score_from_judgements(likelihood=100, spread=(0, 4.6, 10, 85.4)) == 85
    # A likely serious harm: 1 in 10 with 10% class I scores 10,000 x 10 / 10 + ... -> Category 1
    score = score_from_judgements(likelihood=10, spread=(10, 20, 30, 40))
    assert score == (100_000 + 20_000 + 9_000 + 400) // 10
    assert category_for_score(score) == 1


def test_spread_must_total_one_hundred_percent() -> None:
    with pytest.raises(ValueError, match="must total 100%"):
        score_from_judgements(likelihood=10, spread=(10, 10, 10, 10))
