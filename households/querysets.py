"""Named reads of households, people, homes, hazards and placements, including who may see them.

`visible_to(user)` is the access scope (rules in taskforce.org.scoping): the API and the web pages use it for
every read of personal data, so a record out of scope is absent from lists, counts, searches and exports.

The models module imports this one, so other models are looked up (`apps.get_model`) when a query is built.
"""

from datetime import date, timedelta
from typing import Self

from django.apps import apps
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from taskforce.org import scoping
from taskforce.org.dates import latest_start
from taskforce.org.validators import NINO_RE, POSTCODE_RE, normalise_nino, normalise_postcode

from . import search, statutory
from .hhsrs import CATEGORY_1_THRESHOLD


class HouseholdQuerySet(models.QuerySet):
    def visible_to(self, user: scoping.User | None) -> "HouseholdQuerySet":
        return self.filter(scoping.household_filter(user))

    def open(self) -> "HouseholdQuerySet":
        return self.filter(status="open")

    def in_wards(self, wards) -> "HouseholdQuerySet":
        return self.filter(ward__in=wards)

    def placed(self) -> "HouseholdQuerySet":
        return self.filter(placements__isnull=False).distinct()

    def past_retention(self, on: date, *, years: int) -> "HouseholdQuerySet":
        """Closed cases whose records have been kept `years` full years after closing, as of `on`."""
        return self.filter(status="closed", closed_on__lte=latest_start(on, years))

    # Reads for the caseload page. Chain them after visible_to(user): none of them widens the scope.

    def with_caseload_facts(self, on: date) -> "HouseholdQuerySet":
        """Annotate `open_interventions` (referred or active) and `placed` (a placement current on `on`)."""
        open_work = (
            apps.get_model("interventions", "Intervention")
            .objects.filter(household=OuterRef("pk"), status__in=["referred", "active"])
            .order_by()
            .values("household")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        )
        return self.annotate(
            open_interventions=Coalesce(Subquery(open_work, output_field=models.IntegerField()), 0),
            placed=Exists(
                apps.get_model("households", "Placement").objects.filter(household=OuterRef("pk")).current(on)
            ),
        )

    def matching(self, text: str) -> "HouseholdQuerySet":
        """Households found by case reference, a member's name (spelling-tolerant), date of birth or
        National Insurance number, or the postcode (whole or its start) or UPRN of any home they have had."""
        text = " ".join(text.split())
        if not text:
            return self
        condition = Q(case_reference__iexact=text) | Q(case_reference__iendswith=text)
        members = apps.get_model("households", "Membership").objects.filter(household=OuterRef("pk"))
        words = text.split(" ")
        named = members
        for word in words:
            named = named.filter(
                Q(person__given_name__istartswith=word) | Q(person__family_name__istartswith=word)
            )
        condition |= Q(Exists(named))
        if spelt := search.name_words(text):
            people = apps.get_model("households", "Person").objects.filter(
                memberships__household__in=self.values("pk")
            )
            condition |= Q(Exists(members.filter(person__in=search.similar_people(people, spelt))))
        if born := search.as_date(text):
            condition |= Q(Exists(members.filter(person__date_of_birth=born)))
        compact = normalise_nino(text)
        if NINO_RE.match(compact):
            condition |= Q(Exists(members.filter(person__nino=compact)))
        homes = apps.get_model("households", "Residence").objects.filter(household=OuterRef("pk"))
        if compact.isdigit() and len(compact) <= 12:
            condition |= Q(Exists(homes.filter(property__uprn=int(compact))))
        if POSTCODE_RE.match(normalise_postcode(text)):
            condition |= Q(Exists(homes.filter(property__postcode=normalise_postcode(text))))
        elif start := search.partial_postcode(text):
            condition |= Q(Exists(homes.filter(property__postcode__startswith=start)))
        return self.filter(condition)


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user: scoping.User | None) -> "PersonQuerySet":
        """People who are or were members of a household the user may see."""
        if not scoping.sees_cases(user):
            return self.none()
        visible = apps.get_model("households", "Household").objects.visible_to(user).values("pk")
        member = apps.get_model("households", "Membership").objects.filter(
            person=OuterRef("pk"), household__in=visible
        )
        return self.filter(Exists(member))


class PersonLinkQuerySet(models.QuerySet):
    def visible_to(self, user: scoping.User | None) -> "PersonLinkQuerySet":
        """Links between two people the user may both see: a link never reveals a record out of scope."""
        people = apps.get_model("households", "Person").objects.visible_to(user).values("pk")
        return self.filter(person__in=people, other__in=people)

    def current(self) -> "PersonLinkQuerySet":
        return self.filter(undone_on__isnull=True)

    def involving(self, person: models.Model) -> "PersonLinkQuerySet":
        return self.filter(Q(person=person) | Q(other=person))


class HouseholdRecordQuerySet(models.QuerySet):
    """Rows that belong to one household (membership, residence, placement, data-sharing basis,
    intervention, referral): visible exactly when their household is."""

    def visible_to(self, user: scoping.User | None) -> "HouseholdRecordQuerySet":
        if not scoping.sees_cases(user):
            return self.none()
        return self.filter(
            household__in=apps.get_model("households", "Household").objects.visible_to(user).values("pk")
        )

    def of_household(self, household: models.Model, user: scoping.User | None) -> "HouseholdRecordQuerySet":
        """The rows of one household, if the user may see it. The same scope as visible_to, narrowed to the
        household first, so the database judges one household's visibility rather than every household's."""
        if not scoping.sees_cases(user):
            return self.none()
        visible = (
            apps.get_model("households", "Household")
            .objects.visible_to(user)
            .filter(pk=household.pk)
            .values("pk")
        )
        return self.filter(household__in=visible)


class DataSharingBasisQuerySet(HouseholdRecordQuerySet):
    def in_force(self, on: date) -> "DataSharingBasisQuerySet":
        """Started by `on`, and neither expired nor withdrawn by then (DataSharingBasis.is_in_force)."""
        return (
            self.filter(starts_on__lte=on)
            .filter(Q(expires_on__isnull=True) | Q(expires_on__gt=on))
            .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on))
        )


# COUNT(*) as a plain function rather than an aggregate: a subquery counting its rows with no GROUP BY.
_COUNT_ROWS = models.Func(models.Value(1), function="COUNT", output_field=models.IntegerField())


class PropertyQuerySet(models.QuerySet):
    def visible_to(self, user: scoping.User | None) -> "PropertyQuerySet":
        return self.filter(scoping.property_filter(user))

    def addressable_by(self, user: scoping.User | None) -> "PropertyQuerySet":
        """Properties `user` may name in a write (scoping.property_address_filter)."""
        return self.filter(scoping.property_address_filter(user))

    def matching(self, text: str) -> "PropertyQuerySet":
        """Homes found by address, landlord, postcode or UPRN."""
        text = " ".join(text.split())
        if not text:
            return self
        condition = Q(address_line_1__icontains=text) | Q(landlord__icontains=text)
        condition |= Q(postcode__iexact=normalise_postcode(text))
        if text.isdigit() and len(text) <= 12:
            condition |= Q(uprn=int(text))
        return self.filter(condition)

    def with_occupants(self, on: date) -> "PropertyQuerySet":
        """Annotate `occupants`: current members of the households living there on `on`."""
        return self.annotate(
            occupants=Count(
                "residences__household__memberships",
                filter=Q(residences__moved_in__lte=on)
                & (Q(residences__moved_out__isnull=True) | Q(residences__moved_out__gt=on))
                & Q(residences__household__memberships__joined_on__lte=on)
                & (
                    Q(residences__household__memberships__left_on__isnull=True)
                    | Q(residences__household__memberships__left_on__gt=on)
                ),
            )
        )

    # Licensing (the rule is set out in docs/licensing.md; the thresholds are reference data).

    def with_licensing(self, on: date) -> "PropertyQuerySet":
        """Annotate what licensing asks of each home on `on`:

        `people_now` and `households_now` living there; `needs_licence`: "mandatory_hmo" (an HMO with 5 or
        more people in 2 or more households, Housing Act 2004 s55 and SI 2018/221), "additional" (another
        HMO in an additional licensing designation in force), "selective" (a privately rented home in a
        selective designation in force, not already licensable as an HMO, s85) or ""; `licensed_now` (a
        licence in force); `unlicensed`; the in-force licence's limits `licence_max_occupiers` and
        `licence_max_households`; and `over_occupied` (more people or households than it permits).
        """
        rules = statutory.rules()
        residence = apps.get_model("households", "Residence").objects.filter(moved_in__lte=on)
        residence = residence.filter(Q(moved_out__isnull=True) | Q(moved_out__gt=on))
        residences = residence.filter(property=OuterRef("pk"))
        people = (
            apps.get_model("households", "Membership")
            .objects.filter(
                # Nested one level deeper: the home is the outer query's outer query.
                household__in=residence.filter(property=OuterRef(OuterRef("pk"))).values("household"),
                joined_on__lte=on,
            )
            .filter(Q(left_on__isnull=True) | Q(left_on__gt=on))
            .order_by()
            .annotate(n=_COUNT_ROWS)
            .values("n")
        )
        households = residences.order_by().annotate(n=_COUNT_ROWS).values("n")
        designations = apps.get_model("households", "LicensingDesignation").objects.in_force(on)
        licences = (
            apps.get_model("households", "Licence").objects.in_force(on).filter(property=OuterRef("pk"))
        )
        latest = licences.order_by("-starts_on", "-pk")
        annotated = self.annotate(
            people_now=Coalesce(Subquery(people, output_field=models.IntegerField()), 0),
            households_now=Coalesce(Subquery(households, output_field=models.IntegerField()), 0),
            in_additional_area=Exists(designations.filter(scheme="additional", wards=OuterRef("area"))),
            in_selective_area=Exists(designations.filter(scheme="selective", wards=OuterRef("area"))),
            licensed_now=Exists(licences),
            licence_max_occupiers=Subquery(latest.values("max_occupiers")[:1]),
            licence_max_households=Subquery(latest.values("max_households")[:1]),
        )
        needs = models.Case(
            models.When(
                Q(is_hmo=True)
                & Q(people_now__gte=rules["mandatory_hmo_min_people"])
                & Q(households_now__gte=rules["mandatory_hmo_min_households"]),
                then=models.Value("mandatory_hmo"),
            ),
            models.When(Q(is_hmo=True) & Q(in_additional_area=True), then=models.Value("additional")),
            models.When(Q(tenure="private") & Q(in_selective_area=True), then=models.Value("selective")),
            default=models.Value(""),
            output_field=models.CharField(),
        )
        return annotated.annotate(
            needs_licence=needs,
            unlicensed=models.ExpressionWrapper(
                ~Q(needs_licence="") & Q(licensed_now=False), output_field=models.BooleanField()
            ),
            over_occupied=models.ExpressionWrapper(
                Q(licensed_now=True)
                & (
                    Q(people_now__gt=F("licence_max_occupiers"))
                    | Q(households_now__gt=F("licence_max_households"))
                ),
                output_field=models.BooleanField(),
            ),
        )

    def with_open_category_1(self, on: date) -> "PropertyQuerySet":
        """Annotate `category_1_open`: a Category 1 hazard found there and not remedied by `on`."""
        findings = (
            apps.get_model("households", "HazardFinding")
            .objects.category_1()
            .open_on(on)
            .filter(inspection__property=OuterRef("pk"))
        )
        return self.annotate(category_1_open=Exists(findings))

    def with_licence_status(self, status: str, on: date) -> "PropertyQuerySet":
        """Homes with a licence of `status` on `on`; "none" for homes with no licence recorded."""
        licences = apps.get_model("households", "Licence").objects.filter(property=OuterRef("pk"))
        if status == "none":
            return self.filter(~Exists(licences))
        return self.filter(Exists(licences.of_status(status, on)))


class PropertyRecordQuerySet(models.QuerySet):
    """Licences, inspections and enforcement: visible to housing roles when their property is."""

    property_path = "property"

    def visible_to(self, user: scoping.User | None) -> Self:
        if not scoping.sees_housing_records(user):
            return self.none()
        visible = apps.get_model("households", "Property").objects.visible_to(user).values("pk")
        return self.filter(**{f"{self.property_path}__in": visible})


class LicenceQuerySet(PropertyRecordQuerySet):
    """Licences. Their status is derived from the decision and the dates, never stored."""

    def in_force(self, on: date) -> "LicenceQuerySet":
        return self.filter(decision="granted", starts_on__lte=on, expires_on__gte=on).filter(
            Q(revoked_on__isnull=True) | Q(revoked_on__gt=on)
        )

    def with_status(self, on: date) -> "LicenceQuerySet":
        """Annotate `status_on_day`: the same rule as Licence.status_on(on)."""
        return self.annotate(status_on_day=licence_status_expression(on))

    def of_status(self, status: str, on: date) -> "LicenceQuerySet":
        return self.with_status(on).filter(status_on_day=status)

    def expiring(self, on: date, *, within_days: int) -> "LicenceQuerySet":
        """In force on `on` and expiring within `within_days` days."""
        return self.in_force(on).filter(expires_on__lte=on + timedelta(days=within_days))

    def public_register(self, on: date) -> "LicenceQuerySet":
        """The licences the Housing Act 2004 s232 register lists: those in force on `on`."""
        return self.in_force(on)


def licence_status_expression(on: date) -> models.Case:
    return models.Case(
        models.When(decision="refused", then=models.Value("refused")),
        models.When(decision="pending", then=models.Value("pending")),
        models.When(revoked_on__lte=on, then=models.Value("revoked")),
        models.When(starts_on__gt=on, then=models.Value("pending")),
        models.When(expires_on__lt=on, then=models.Value("expired")),
        default=models.Value("in_force"),
        output_field=models.CharField(),
    )


class EnforcementActionQuerySet(PropertyRecordQuerySet):
    def overdue(self, on: date) -> "EnforcementActionQuerySet":
        """Served, not complied with, and past the date they had to be complied with by."""
        return self.filter(status="served", comply_by__lt=on)

    def appealed(self) -> "EnforcementActionQuerySet":
        """Appeals lodged and not yet decided."""
        return self.filter(status="appealed")


class DesignationQuerySet(models.QuerySet):
    def in_force(self, on: date) -> "DesignationQuerySet":
        return self.filter(starts_on__lte=on, ends_on__gte=on)


class HazardFindingQuerySet(PropertyRecordQuerySet):
    property_path = "inspection__property"

    def open(self) -> "HazardFindingQuerySet":
        return self.filter(status="open")

    def category_1(self) -> "HazardFindingQuerySet":
        return self.filter(score__gte=CATEGORY_1_THRESHOLD)

    def open_on(self, day: date) -> "HazardFindingQuerySet":
        """Found on or before `day` and not remedied by then."""
        return self.filter(inspection__inspected_on__lte=day).filter(
            Q(remedied_on__isnull=True) | Q(remedied_on__gt=day)
        )


class PlacementQuerySet(HouseholdRecordQuerySet):
    def current(self, on: date) -> "PlacementQuerySet":
        return self.filter(placed_on__lte=on).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))
