"""factory_boy factories for the domain model. Reference data (wards, agencies, hazards...) comes from
the data migrations, so factories look it up rather than invent it."""

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from households.models import (
    DataSharingBasis,
    EnforcementAction,
    Hazard,
    HazardFinding,
    Household,
    Inspection,
    Licence,
    LicensingDesignation,
    Membership,
    Person,
    Placement,
    PlacementType,
    PlacingAuthority,
    Property,
    Residence,
)
from interventions.models import Intervention, Referral, Service, ServiceCategory
from jobs.models import Job
from outcomes.models import AreaStatistic, BenefitRecord, BenefitType
from taskforce.org.models import Agency, Area, BreakGlassGrant, StaffProfile


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
    placing_authority = factory.LazyFunction(lambda: PlacingAuthority.objects.get(gss_code="E09000012"))
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


class LicenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Licence

    property = factory.SubFactory(PropertyFactory)
    scheme = Licence.Scheme.MANDATORY_HMO
    number = factory.Sequence(lambda n: f"HMO/{n + 1:05d}")
    holder = "Example Lettings Ltd"
    starts_on = date(2010, 10, 1)
    expires_on = date(2015, 9, 30)
    max_occupiers = 6
    max_households = 3


class DesignationFactory(factory.django.DjangoModelFactory):
    """An additional licensing designation over Cliftonville West, in force 2024 to 2028."""

    class Meta:
        model = LicensingDesignation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Additional licensing designation {n + 1}")
    scheme = LicensingDesignation.Scheme.ADDITIONAL
    starts_on = date(2024, 1, 1)
    ends_on = date(2028, 12, 31)

    @factory.post_generation
    def wards(self, create: bool, extracted: list[Area] | None, **kwargs: object) -> None:
        if create:
            self.wards.set(extracted if extracted is not None else [ward()])


class EnforcementActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnforcementAction

    property = factory.SubFactory(PropertyFactory)
    type = EnforcementAction.Type.IMPROVEMENT_NOTICE
    served_on = date(2011, 6, 1)


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    household = factory.SubFactory(HouseholdFactory)
    from_agency = factory.LazyFunction(agency)
    to_agency = factory.LazyFunction(lambda: agency("nhs"))
    reason = "Health assessment"
    sent_on = date(2010, 11, 1)


class AreaStatisticFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AreaStatistic

    area = factory.LazyFunction(ward)
    frequency = AreaStatistic.Frequency.MONTH
    period_start = factory.Sequence(lambda n: date(2008 + n // 12, n % 12 + 1, 1))
    measure = "claimant_count"
    value = 420.0
    source = "ONS claimant count"


class JobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Job

    kind = "load_demo"


class BreakGlassGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BreakGlassGrant

    household = factory.SubFactory(HouseholdFactory)
    reason = "Safeguarding call from the police out of hours"
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=8))


def shared_household(*agencies: Agency, ward_code: str = "E05005088", **fields: object) -> Household:
    """A household whose data-sharing basis, in force today, covers `agencies` (Jobcentre Plus by default)."""
    household = HouseholdFactory(ward=ward(ward_code), **fields)
    DataSharingBasisFactory(household=household, agencies=list(agencies) or [agency()])
    return household
