import pytest

from households.models import Hazard, PlacementType
from interventions.models import ServiceCategory
from outcomes.models import BenefitType
from taskforce.org.models import Agency, Area

pytestmark = pytest.mark.django_db


def test_the_29_hhsrs_hazards_in_statutory_order() -> None:
    hazards = list(Hazard.objects.values_list("number", "name"))
    assert len(hazards) == 29
    assert hazards[0] == (1, "Damp and mould growth")
    assert hazards[23] == (24, "Fire")
    assert hazards[-1] == (29, "Structural collapse and falling elements")


def test_out_of_work_benefits() -> None:
    out_of_work = set(BenefitType.objects.filter(out_of_work=True).values_list("code", flat=True))
    assert out_of_work == {"jsa", "esa", "is", "ib", "uc-sfw", "uc-nwr"}
    assert (
        BenefitType.objects.filter(code__in=["hb", "ctr", "uc-work", "pip-dla"], out_of_work=False).count()
        == 4
    )


def test_target_wards_thanet_and_kent() -> None:
    targets = Area.objects.filter(is_target=True)
    assert set(targets.values_list("gss_code", flat=True)) == {"E05005088", "E05005093"}
    assert {a.parent.gss_code for a in targets} == {"E07000114"}
    assert Area.objects.get(gss_code="E07000114").parent.gss_code == "E10000016"


def test_partner_agencies_placement_types_and_service_categories() -> None:
    assert Agency.objects.filter(kind="partner").count() == 8
    assert PlacementType.objects.get(code="ta-s188").notice_rule == "s208_14_days"
    assert PlacementType.objects.get(code="lac").notice_rule == "lac_5_working_days"
    assert ServiceCategory.objects.count() == 10
