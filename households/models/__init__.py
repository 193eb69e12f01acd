"""Households, people and their homes: properties, licences, inspections, hazards, enforcement,
residence history, placements into the wards and the basis on which their data is shared."""

from .cases import DataSharingBasis, Household, Membership, Person, Residence
from .geography import Boundary, PropertyLocation
from .housing import EnforcementAction, Hazard, HazardFinding, Inspection, Licence, Property
from .licensing import LicensingDesignation
from .links import PersonLink
from .placements import AgreementSignatory, Placement, PlacementType, PlacingAuthority

__all__ = [
    "AgreementSignatory",
    "Boundary",
    "DataSharingBasis",
    "EnforcementAction",
    "Hazard",
    "HazardFinding",
    "Household",
    "Inspection",
    "Licence",
    "LicensingDesignation",
    "Membership",
    "Person",
    "PersonLink",
    "Placement",
    "PlacementType",
    "PlacingAuthority",
    "Property",
    "PropertyLocation",
    "Residence",
]
