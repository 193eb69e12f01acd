"""Placements recorded against agencies move to the placing authority register; Jobcentre Plus cannot stay
a placing authority."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("households", "0002_reference_data")]
AFTER = [("households", "0003_placing_authorities_agreement_and_maps")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_agency_placements_move_to_local_authorities() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Agency = old.get_model("taskforce", "Agency")
    Area = old.get_model("taskforce", "Area")
    Household = old.get_model("households", "Household")
    Placement = old.get_model("households", "Placement")
    PlacementType = old.get_model("households", "PlacementType")
    ward = Area.objects.get(gss_code="E05005088")
    kinds = PlacementType.objects.get(code="ta-s188")
    placed = {}
    for n, code in enumerate(("kcc", "jcp")):
        household = Household.objects.create(
            case_reference=f"MTF-80000{n}", ward=ward, opened_on=date(2011, 1, 1)
        )
        placed[code] = Placement.objects.create(
            household=household,
            placing_authority=Agency.objects.get(code=code),
            type=kinds,
            legal_basis="ha_s188",
            placed_on=date(2011, 1, 1),
        ).pk
    borough = Agency.objects.create(code="lb-x", name="London Borough of Hackney", kind="placing")
    household = Household.objects.create(case_reference="MTF-800009", ward=ward, opened_on=date(2011, 1, 1))
    placed["lb-x"] = Placement.objects.create(
        household=household,
        placing_authority=borough,
        type=kinds,
        legal_basis="ha_s188",
        placed_on=date(2011, 1, 1),
    ).pk

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Placement = new.get_model("households", "Placement")
    authority = {code: Placement.objects.get(pk=pk).placing_authority for code, pk in placed.items()}
    assert (authority["kcc"].gss_code, authority["kcc"].in_kent) == ("E10000016", True)
    assert (authority["lb-x"].gss_code, authority["lb-x"].in_kent) == ("E09000012", False)
    assert authority["jcp"].gss_code == ""
    assert authority["jcp"].name == "Not a local authority (recorded as Jobcentre Plus)"
    PlacingAuthority = new.get_model("households", "PlacingAuthority")
    assert PlacingAuthority.objects.exclude(gss_code="").filter(in_kent=True).count() == 14
    assert PlacingAuthority.objects.filter(kind="london").count() == 33
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
