"""Named reads of households, people, homes, hazards and placements, including who may see them.

`visible_to(user)` is the access scope (rules in taskforce.org.scoping): the API and the web pages use it for
every read of personal data, so a record out of scope is absent from lists, counts, searches and exports.

The models module imports this one, so other models are looked up (`apps.get_model`) when a query is built.
"""

from datetime import date

from django.apps import apps
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from taskforce.org import scoping
from taskforce.org.dates import latest_start
from taskforce.org.validators import NINO_RE, POSTCODE_RE, normalise_nino, normalise_postcode

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
        """Households found by case reference, a member's name or National Insurance number, or the
        postcode or UPRN of any home they have had."""
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
        compact = normalise_nino(text)
        if NINO_RE.match(compact):
            condition |= Q(Exists(members.filter(person__nino=compact)))
        homes = apps.get_model("households", "Residence").objects.filter(household=OuterRef("pk"))
        if compact.isdigit() and len(compact) <= 12:
            condition |= Q(Exists(homes.filter(property__uprn=int(compact))))
        if POSTCODE_RE.match(normalise_postcode(text)):
            condition |= Q(Exists(homes.filter(property__postcode=normalise_postcode(text))))
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


class PropertyRecordQuerySet(models.QuerySet):
    """Licences, inspections and enforcement: visible to housing roles when their property is."""

    property_path = "property"

    def visible_to(self, user: scoping.User | None) -> "PropertyRecordQuerySet":
        if not scoping.sees_housing_records(user):
            return self.none()
        visible = apps.get_model("households", "Property").objects.visible_to(user).values("pk")
        return self.filter(**{f"{self.property_path}__in": visible})


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
