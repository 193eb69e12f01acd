"""The demo's place records: synthetic placing authorities and Margate Agreement signatories, synthetic
LSOAs with their boundaries and the wards', and where every demo home stands."""

from datetime import date

import numpy as np

from households.models import AgreementSignatory, Boundary, PlacingAuthority, PropertyLocation
from taskforce.org.bulk import insert_rows, next_id
from taskforce.org.models import Area

from .generate.maps import square_polygon, synthetic_geography
from .generate.placements import PLACING_AUTHORITIES

SOURCE = "demo: synthetic boundaries"
# Which demo authorities signed, and when: two before the task force opened and two after it.
SIGNED = {0: date(2010, 6, 1), 3: date(2011, 4, 1), 8: date(2010, 3, 1), 10: date(2012, 1, 16)}


def place_authorities() -> list[int]:
    """The demo's placing authorities (plainly synthetic codes in the E07 99... range), with signatories."""
    ids = []
    for i, name in enumerate(PLACING_AUTHORITIES):
        in_kent = "Kent" in name
        authority, _ = PlacingAuthority.objects.get_or_create(
            name=name,
            defaults={
                "gss_code": f"E0{'7' if in_kent else '9'}9999{i + 1:02d}",
                "kind": "district" if in_kent else ("county" if "County" in name else "london"),
                "in_kent": in_kent or "County" in name,
                "is_synthetic": True,
            },
        )
        ids.append(authority.pk)
        if i in SIGNED:
            AgreementSignatory.objects.get_or_create(
                authority=authority,
                defaults={
                    "signed_on": SIGNED[i],
                    "commitments": "To place no household into the two wards without first agreeing it with "
                    "the task force, and to send every s208 notice within 14 days. (Synthetic.)",
                },
            )
    return ids


def place_geography(
    *, wards: list[Area], property_ids: np.ndarray, home_wards: np.ndarray, seed: int
) -> None:
    """Boundaries for the two wards and their synthetic LSOAs, and a point for every demo home."""
    geo = synthetic_geography(np.random.default_rng(seed + 13), home_wards=home_wards, n_wards=len(wards))
    for ward, square in zip(wards, geo.ward_squares, strict=True):
        Boundary.objects.update_or_create(
            area=ward, defaults={"geometry": square_polygon(square), "source": SOURCE}
        )
    lsoas = []
    for n, (w, square) in enumerate(geo.lsoa_squares):
        lsoa = Area.objects.create(
            gss_code=f"E0199{n + 1:04d}",  # nine characters, as every GSS code
            vintage=2011,
            name=f"Synthetic LSOA {wards[w].name} {chr(65 + n % 4)}",
            type=Area.Type.LSOA,
            parent=wards[w],
            is_synthetic=True,
        )
        Boundary.objects.create(area=lsoa, geometry=square_polygon(square), source=SOURCE)
        lsoas.append(lsoa.pk)
    start = next_id(PropertyLocation)
    insert_rows(
        PropertyLocation,
        ["id", "property_id", "easting", "northing", "lsoa_id"],
        zip(
            range(start, start + len(property_ids)),
            property_ids.tolist(),
            geo.easting.tolist(),
            geo.northing.tolist(),
            [lsoas[i] for i in geo.lsoa],
            strict=True,
        ),
    )
