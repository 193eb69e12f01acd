"""Housing Health and Safety Rating System: score -> band -> category.

Bands and the Category 1 threshold are fixed by the Housing Health and Safety Rating System (England)
Regulations 2005 and the 2006 operating guidance: a score of 1,000 or more (bands A-C) is Category 1,
where the council must act; bands D-J are Category 2.
"""

from dataclasses import dataclass

CATEGORY_1_THRESHOLD = 1000

# (band, lowest score in the band), highest band first.
BANDS: tuple[tuple[str, int], ...] = (
    ("A", 5000),
    ("B", 2000),
    ("C", 1000),
    ("D", 500),
    ("E", 200),
    ("F", 100),
    ("G", 50),
    ("H", 20),
    ("I", 10),
    ("J", 0),
)

# Class weights of the four classes of harm, used to compute a score from the inspector's judgements.
HARM_CLASS_WEIGHTS = (10_000, 1_000, 300, 10)


@dataclass(frozen=True)
class Rating:
    score: int
    band: str
    category: int


def band_for_score(score: int) -> str:
    if score < 0:
        raise ValueError(f"An HHSRS score cannot be negative (got {score}).")
    for band, lowest in BANDS:
        if score >= lowest:
            return band
    raise AssertionError("unreachable: band J starts at 0")


def category_for_score(score: int) -> int:
    return 1 if score >= CATEGORY_1_THRESHOLD else 2


def rate(score: int) -> Rating:
    return Rating(score=score, band=band_for_score(score), category=category_for_score(score))


def score_from_judgements(*, likelihood: int, spread: tuple[float, float, float, float]) -> int:
    """Score = sum over the harm classes of weight x (1 / likelihood) x spread %, to the nearest whole number.

    `likelihood` is the representative scale point (1 in N); `spread` is the percentage in each of
    classes I-IV, which must add to 100.
    """
    if likelihood <= 0:
        raise ValueError("likelihood is '1 in N' and N must be positive")
    if abs(sum(spread) - 100) > 0.01:
        raise ValueError(f"the spread of harm across classes I-IV must total 100%, not {sum(spread)}%")
    total = sum(w * s for w, s in zip(HARM_CLASS_WEIGHTS, spread, strict=True)) / likelihood
    return int(total + 0.5)
