"""Households, people and their homes: properties, licences, inspections, hazards, enforcement,
residence history, placements into the wards and the basis on which their data is shared."""

from .cases import DataSharingBasis, Household, Membership, Person, Residence
from .housing import EnforcementAction, Hazard, HazardFinding, Inspection, Licence, Property
from .licensing import LicensingDesignation
from .placements import Placement, PlacementType

__all__ = [
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
    "Placement",
    "PlacementType",
    "Property",
    "Residence",
]
