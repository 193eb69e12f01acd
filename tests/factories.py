"""factory_boy factories for the domain model. Reference data (wards, agencies, hazards...) comes from
the data migrations, so factories look it up rather than invent it."""

from datetime import date
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from households.models import (
    DataSharingBasis,
    Hazard,
    HazardFinding,
    Household,
    Inspection,
    Membership,
    Person,
    Placement,
    PlacementType,
    Property,
    Residence,
)
from interventions.models import Intervention, Service, ServiceCategory
from outcomes.models import BenefitRecord, BenefitType
from taskforce.models import Agency, Area, StaffProfile


def ward(code: str = "E05005088") -> Area:
    return Area.objects.get(gss_code=code)


def agency(code: str = "jcp") -> Agency:
    return Agency.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    password = factory.django.Password("correct-horse-battery-staple")


class StaffProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    agency = factory.LazyFunction(agency)
    role = StaffProfile.Role.CASEWORKER

    @factory.post_generation
    def wards(self, create: bool, extracted: list[Area] | None, **kwargs: object) -> None:
        if create:
            self.wards.set(extracted if extracted is not None else [ward()])


class PropertyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Property

    uprn = factory.Sequence(lambda n: 100_000_000 + n)
    address_line_1 = factory.Sequence(lambda n: f"{n + 1} Test Terrace")
    postcode = "CT9 2AB"
    area = factory.LazyFunction(ward)
    tenure = Property.Tenure.PRIVATE_RENT


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    case_reference = factory.Sequence(lambda n: f"MTF-{n + 1:06d}")
    ward = factory.LazyFunction(ward)
    opened_on = date(2010, 9, 1)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    given_name = "Alex"
    family_name = factory.Sequence(lambda n: f"Example{n}")
    date_of_birth = date(1980, 5, 17)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    household = factory.SubFactory(HouseholdFactory)
    person = factory.SubFactory(PersonFactory)
    relationship = Membership.Relationship.HEAD
    joined_on = date(2010, 9, 1)


class ResidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Residence

    household = factory.SubFactory(HouseholdFactory)
    property = factory.SubFactory(PropertyFactory)
    moved_in = date(2010, 9, 1)


class DataSharingBasisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DataSharingBasis
        skip_postgeneration_save = True

    household = factory.SubFactory(HouseholdFactory)
    basis = DataSharingBasis.LawfulBasis.CONSENT
    starts_on = date(2010, 9, 1)

    @factory.post_generation
    def agencies(self, create: bool, extracted: list[Agency] | None, **kwargs: object) -> None:
        if create:
            self.agencies.set(extracted if extracted is not None else [agency()])


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Placement

    household = factory.SubFactory(HouseholdFactory)
    placing_authority = factory.LazyFunction(lambda: agency("kcc"))
    type = factory.LazyFunction(lambda: PlacementType.objects.get(code="ta-s188"))
    legal_basis = Placement.LegalBasis.HA_S188
    placed_on = date(2011, 3, 1)


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspection

    property = factory.SubFactory(PropertyFactory)
    inspected_on = date(2011, 5, 3)
    reason = Inspection.Reason.COMPLAINT


class HazardFindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HazardFinding

    inspection = factory.SubFactory(InspectionFactory)
    hazard = factory.LazyFunction(lambda: Hazard.objects.get(number=1))
    score = 1200


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        django_get_or_create = ["agency", "name"]

    agency = factory.LazyFunction(agency)
    category = factory.LazyFunction(lambda: ServiceCategory.objects.get(code="employment"))
    name = "Work coach"


class InterventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Intervention

    household = factory.SubFactory(HouseholdFactory)
    service = factory.SubFactory(ServiceFactory)
    referred_on = date(2010, 10, 1)


class BenefitRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BenefitRecord

    person = factory.SubFactory(PersonFactory)
    month = date(2011, 1, 1)
    benefit = factory.LazyFunction(lambda: BenefitType.objects.get(code="jsa"))
    amount = Decimal("280.00")
