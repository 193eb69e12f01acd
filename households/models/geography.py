"""Where things are: ward and LSOA boundaries, and the coordinates of homes.

Both are held in British National Grid metres (EPSG:27700), the grid the ONS and Ordnance Survey publish in;
the imports convert longitude and latitude (EPSG:4326) on the way in, so the maps never convert at draw time.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from taskforce.org.models import Area

from .housing import Property

# The extent of the British National Grid, in metres.
GRID_MAX_EASTING = 700_000
GRID_MAX_NORTHING = 1_300_000


class Boundary(models.Model):
    """The outline of a ward or LSOA as GeoJSON geometry (Polygon or MultiPolygon) in EPSG:27700."""

    area = models.OneToOneField(Area, models.CASCADE, related_name="boundary")
    geometry = models.JSONField(help_text="GeoJSON geometry, British National Grid metres.")
    source = models.CharField(max_length=200, blank=True, help_text="The file it was imported from.")

    class Meta:
        verbose_name_plural = "boundaries"

    def __str__(self) -> str:
        return f"Boundary of {self.area}"


class PropertyLocation(models.Model):
    """Where a home stands, from its UPRN (OS Open UPRN or the council's address gazetteer)."""

    property = models.OneToOneField(Property, models.CASCADE, related_name="location")
    easting = models.FloatField(validators=[MinValueValidator(0), MaxValueValidator(GRID_MAX_EASTING)])
    northing = models.FloatField(validators=[MinValueValidator(0), MaxValueValidator(GRID_MAX_NORTHING)])
    lsoa = models.ForeignKey(
        Area,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"type": Area.Type.LSOA},
        help_text="The LSOA it falls in, from the boundaries when it was located.",
    )

    def __str__(self) -> str:
        return f"{self.property} at {self.easting:.0f}, {self.northing:.0f}"
