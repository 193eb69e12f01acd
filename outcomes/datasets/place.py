"""Rows for the place evidence: residences with the ward each home stands in, the Margate Agreement's
signatories, and homes with their coordinates for the maps. No names, no identifiers of people."""

import numpy as np
import pandas as pd
from django.db.models import CharField
from django.db.models.functions import Cast

from households.models import AgreementSignatory, Property, PropertyLocation, Residence

from .query import iso_days, lookup, values_frame

COMPARATOR_TURNOVER = "household_turnover"  # per household a year, from area statistics where published


def residence_rows() -> pd.DataFrame:
    """Every residence's household, home, and days moved in and out (ISO text, None where missing): what
    the residences (`residences_frame`) and the dashboards' moves are made from, read once where both
    are wanted."""
    return values_frame(
        Residence.objects.annotate(
            moved_in_on=Cast("moved_in", CharField()), moved_out_on=Cast("moved_out", CharField())
        ).values_list("household_id", "property_id", "moved_in_on", "moved_out_on"),
        ["household", "property", "moved_in", "moved_out"],
        text_as_objects=True,
    )


def residences_frame(rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per residence: household, the ward of the home, the days moved in and out (datetime64, NaT
    where missing: `iso_days`, parsed once here rather than by the turnover panel for every view). From
    `rows` (`residence_rows`) if given."""
    rows = residence_rows() if rows is None else rows
    # The homes' wards looked up, not joined (`lookup`); a residence whose home has gone since is left out.
    area, found = lookup(
        rows["property"].to_numpy(dtype=np.int64), Property.objects.values_list("pk", "area__gss_code")
    )
    return pd.DataFrame(
        {
            "household": rows["household"].to_numpy(dtype=np.int64)[found],
            "area": pd.Series(area[found], dtype=object),
            "moved_in": iso_days(rows["moved_in"].tolist())[found],
            "moved_out": iso_days(rows["moved_out"].tolist())[found],
        }
    )


def signatories_frame() -> pd.DataFrame:
    """One row per signatory of the Margate Agreement: the authority's name and the day it signed."""
    return values_frame(
        AgreementSignatory.objects.order_by("signed_on").values_list("authority__name", "signed_on"),
        ["authority", "signed_on"],
    )


def located_homes() -> pd.DataFrame:
    """One row per located home: property id, ward, LSOA, easting, northing."""
    return values_frame(
        PropertyLocation.objects.values_list(
            "property_id", "property__area__gss_code", "lsoa__gss_code", "easting", "northing"
        ),
        ["property", "area", "lsoa", "easting", "northing"],
    )
