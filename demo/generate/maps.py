"""Plainly synthetic geography: each target ward a 2 km square on a made-up patch of grid, cut into four
LSOA squares, and every home a random point in its ward. Nothing here is where Margate is."""

from dataclasses import dataclass

import numpy as np

# A corner of the British National Grid far out at sea, so no one could take the shapes for real ones.
ORIGIN_EASTING = 100_000.0
ORIGIN_NORTHING = 100_000.0
WARD_SIDE = 2_000.0
LSOAS_PER_SIDE = 2


@dataclass(frozen=True)
class SyntheticGeography:
    ward_squares: tuple[tuple[float, float, float, float], ...]  # (min x, min y, max x, max y) per ward
    lsoa_squares: tuple[tuple[int, tuple[float, float, float, float]], ...]  # (ward index, square)
    easting: np.ndarray
    northing: np.ndarray
    lsoa: np.ndarray  # index into lsoa_squares, per home


def square_polygon(square: tuple[float, float, float, float]) -> dict[str, object]:
    x0, y0, x1, y1 = square
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def synthetic_geography(
    rng: np.random.Generator, *, home_wards: np.ndarray, n_wards: int = 2
) -> SyntheticGeography:
    wards = tuple(
        (
            ORIGIN_EASTING + w * WARD_SIDE,
            ORIGIN_NORTHING,
            ORIGIN_EASTING + (w + 1) * WARD_SIDE,
            ORIGIN_NORTHING + WARD_SIDE,
        )
        for w in range(n_wards)
    )
    side = WARD_SIDE / LSOAS_PER_SIDE
    lsoas = tuple(
        (w, (x0 + i * side, y0 + j * side, x0 + (i + 1) * side, y0 + (j + 1) * side))
        for w, (x0, y0, _, _) in enumerate(wards)
        for j in range(LSOAS_PER_SIDE)
        for i in range(LSOAS_PER_SIDE)
    )
    x0 = np.array([wards[w][0] for w in home_wards])
    dx = rng.uniform(20, WARD_SIDE - 20, len(home_wards))
    dy = rng.uniform(20, WARD_SIDE - 20, len(home_wards))
    cell = (dy // side).astype(int) * LSOAS_PER_SIDE + (dx // side).astype(int)
    lsoa = home_wards * LSOAS_PER_SIDE**2 + cell
    return SyntheticGeography(wards, lsoas, np.round(x0 + dx, 1), np.round(ORIGIN_NORTHING + dy, 1), lsoa)
