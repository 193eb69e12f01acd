"""Rows for the place evidence: residences with the ward each home stands in, the Margate Agreement's
signatories, and homes with their coordinates for the maps. No names, no identifiers of people."""

import pandas as pd
from django.db.models import CharField
from django.db.models.functions import Cast

from households.models import AgreementSignatory, PropertyLocation, Residence

from .query import values_frame

COMPARATOR_TURNOVER = "household_turnover"  # per household a year, from area statistics where published


def residences_frame() -> pd.DataFrame:
    """One row per residence: household, the ward of the home, moved in and out (ISO dates or None)."""
    return values_frame(
        Residence.objects.annotate(
            moved_in_on=Cast("moved_in", CharField()), moved_out_on=Cast("moved_out", CharField())
        ).values_list("household_id", "property__area__gss_code", "moved_in_on", "moved_out_on"),
        ["household", "area", "moved_in", "moved_out"],
        # Not text_as_objects (see values_frame): the turnover panel parses these dates with pandas, which
        # reads its own Arrow strings several times faster than Python ones.
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
