"""Case forms on a household: opening and changing a case, its members, moves, data-sharing bases,
placements and key worker. Caseworkers write them; a ward manager only chooses the key worker.

The household page these forms return to is the casework app's, named by URL only: it sits above households.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from taskforce.org import audit, scoping
from taskforce.org.models import AccessLog
from taskforce.org.views import RecordFormView, log_read, require_role

from .. import forms as f
from .. import linking, services
from ..duplicates import Match, PossibleDuplicates
from ..models import DataSharingBasis, Household, Membership, Person, PersonLink, Placement


def visible_household(request: HttpRequest, pk: int) -> Household:
    """The household, if the user may see it; a refusal or a miss is noted for the access log."""
    require_role(request, scoping.sees_cases, resource="households.household")
    return audit.visible_or_404(
        request,
        Household.objects.visible_to(request.user).select_related(
            "ward", "key_worker__user", "key_worker__agency"
        ),
        pk=pk,
    )


def household_url(household: Household) -> str:
    return reverse("casework:household", args=[household.pk])


def section_url(household: Household, section: str) -> str:
    return reverse("casework:section", args=[household.pk, section])


class HouseholdFormView(RecordFormView):
    """A case form on the household the URL names (`household_pk`), or, without one, opening a case."""

    writes = "case"
    household: Household | None = None

    def load(self, **kwargs: Any) -> None:
        if "household_pk" in kwargs:
            self.household = visible_household(self.request, kwargs["household_pk"])

    def subject(self) -> models.Model | None:
        return self.instance if self.instance is not None else self.household

    def success_url(self, saved: models.Model) -> str:
        return household_url(self.household)  # type: ignore[arg-type]

    def back_url(self) -> str:
        if self.household is not None:
            return household_url(self.household)
        return reverse("households:caseload")

    def caption(self) -> str:
        return self.household.case_reference if self.household else ""


class HouseholdCreate(HouseholdFormView):
    form_class = f.HouseholdCreateForm
    title = "Open a new case"
    button = "Open the case"

    def save(self, data: dict[str, Any]) -> Household:
        return services.household_register(
            case_reference=data["case_reference"],
            ward=data["ward"],
            opened_on=data["opened_on"],
            key_worker=data.get("key_worker"),
            basis=data["basis"],
            agencies=data["agencies"],
            recorded_by=scoping.signed_in(self.request.user),
        )

    def done_message(self, saved: models.Model) -> str:
        return f"Case {saved} opened"

    def success_url(self, saved: models.Model) -> str:
        return reverse("casework:household", args=[saved.pk])


class HouseholdEdit(HouseholdFormView):
    form_class = f.HouseholdEditForm
    title = "Change case details"
    fields_from_instance = services.HOUSEHOLD_FIELDS
    household: Household  # set by load(), from the URL, before the page runs (likewise below)

    def load(self, **kwargs: Any) -> None:
        super().load(**kwargs)
        self.instance = self.household

    def save(self, data: dict[str, Any]) -> Household:
        # Closing also ends every membership and the current home (the service's rule).
        return services.household_update(household=self.household, **data)


class MemberAdd(HouseholdFormView):
    """Add a member; likely duplicates among the people the user may see are shown before anything is
    saved, and the user says whether the new member is one of them (linked) or a different person."""

    form_class = f.MemberAddForm
    title = "Add a member"
    template_name = "households/member_form.html"
    household: Household
    matches: list[Match] = []

    def get_form(self, data: Any = None) -> Form:
        form = super().get_form(data)
        if data is not None:
            form.fields["decision"] = forms.CharField(required=False, widget=forms.RadioSelect)
        return form

    def save(self, data: dict[str, Any]) -> Person:
        decision = data.pop("decision", "") or ""
        same_as = None
        if decision.startswith("same:") and decision[5:].isdigit():
            same_as = Person.objects.visible_to(self.request.user).filter(pk=int(decision[5:])).first()
        try:
            person, _ = linking.person_register_checked(
                user=scoping.signed_in(self.request.user),
                household=self.household,
                confirm_distinct=decision == "distinct",
                same_as=same_as,
                **data,
            )
        except PossibleDuplicates as found:
            self.matches = found.matches
            raise ValidationError(
                {
                    "decision": "This may be someone already recorded: choose one of the records, or a different person"
                }
            ) from None
        except ValidationError as error:
            if "same_as" in getattr(error, "error_dict", {}):
                raise ValidationError({"decision": error.message_dict["same_as"][0]}) from None
            raise
        return person

    def render(self, form: Form) -> HttpResponse:
        field = form.fields.get("decision")
        if field is not None and not self.matches:
            del form.fields["decision"]
        elif field is not None:
            choices = [
                (
                    f"same:{m.person.pk}",
                    f"The same person as {m.person}, born {m.person.date_of_birth:%-d %B %Y}: add and link the records",
                )
                for m in self.matches
            ] + [("distinct", "A different person: add a new record")]
            field.label = "Is this someone already recorded?"
            field.choices = choices  # type: ignore[attr-defined]
            field.widget.choices = choices
        return super().render(form)

    def log(self) -> None:
        super().log()
        if self.matches:
            ids = [m.person.pk for m in self.matches]
            log_read(self.request, model=Person, ids=ids, action=AccessLog.Action.SEARCH, person_ids=ids)

    def done_message(self, saved: models.Model) -> str:
        linked = PersonLink.objects.current().involving(saved).filter(kind=PersonLink.Kind.SAME).exists()
        return f"{saved} added" + (", and linked to the matching record" if linked else "")

    def success_url(self, saved: models.Model) -> str:
        return section_url(self.household, "members")


class PersonEdit(HouseholdFormView):
    form_class = f.PersonForm
    title = "Change personal details"
    fields_from_instance = services.PERSON_FIELDS
    household: Household
    instance: Person

    def load(self, **kwargs: Any) -> None:
        super().load(**kwargs)
        self.instance = audit.visible_or_404(
            self.request,
            Person.objects.visible_to(self.request.user)
            .filter(memberships__household=self.household)
            .distinct(),
            pk=kwargs["pk"],
        )

    def save(self, data: dict[str, Any]) -> Person:
        return services.person_update(person=self.instance, **data)

    def success_url(self, saved: models.Model) -> str:
        return section_url(self.household, "members")


class MembershipEdit(HouseholdFormView):
    form_class = f.MembershipForm
    title = "Change membership"
    fields_from_instance = services.MEMBERSHIP_FIELDS
    household: Household
    instance: Membership

    def load(self, **kwargs: Any) -> None:
        super().load(**kwargs)
        self.instance = audit.visible_or_404(
            self.request, Membership.objects.of_household(self.household, self.request.user), pk=kwargs["pk"]
        )

    def save(self, data: dict[str, Any]) -> Membership:
        return services.membership_update(membership=self.instance, **data)

    def success_url(self, saved: models.Model) -> str:
        return section_url(self.household, "members")


class MoveRecord(HouseholdFormView):
    form_class = f.MoveForm
    title = "Record a move"
    household: Household

    def save(self, data: dict[str, Any]) -> models.Model:
        return services.residence_record(
            household=self.household, property=data["property"], moved_in=data["moved_in"]
        )

    def success_url(self, saved: models.Model) -> str:
        return section_url(self.household, "home")


class SharingBasisCreate(HouseholdFormView):
    form_class = f.SharingBasisForm
    title = "Record a data-sharing basis"
    household: Household

    def save(self, data: dict[str, Any]) -> DataSharingBasis:
        return services.data_sharing_basis_record(
            household=self.household, recorded_by=scoping.signed_in(self.request.user), **data
        )


class SharingBasisEdit(HouseholdFormView):
    form_class = f.SharingBasisForm
    title = "Change the data-sharing basis"
    fields_from_instance = services.DATA_SHARING_BASIS_FIELDS
    household: Household
    instance: DataSharingBasis

    def load(self, **kwargs: Any) -> None:
        super().load(**kwargs)
        self.instance = audit.visible_or_404(
            self.request,
            DataSharingBasis.objects.of_household(self.household, self.request.user),
            pk=kwargs["pk"],
        )

    def initial(self) -> dict[str, Any]:
        initial = super().initial()
        initial["agencies"] = [a.pk for a in initial.get("agencies", [])]
        return initial

    def save(self, data: dict[str, Any]) -> DataSharingBasis:
        return services.data_sharing_basis_update(data_sharing_basis=self.instance, **data)

    def success_url(self, saved: models.Model) -> str:
        # The change may end this user's own access; the caseload is always there to return to.
        if not Household.objects.visible_to(self.request.user).filter(pk=self.household.pk).exists():
            return reverse("households:caseload")
        return household_url(self.household)


class PlacementCreate(HouseholdFormView):
    form_class = f.PlacementForm
    title = "Record a placement"
    household: Household

    def save(self, data: dict[str, Any]) -> Placement:
        return services.placement_record(household=self.household, **data)

    def success_url(self, saved: models.Model) -> str:
        return section_url(self.household, "placements")


class PlacementEdit(PlacementCreate):
    title = "Change the placement"
    fields_from_instance = services.PLACEMENT_FIELDS
    instance: Placement

    def load(self, **kwargs: Any) -> None:
        super().load(**kwargs)
        self.instance = audit.visible_or_404(
            self.request,
            Placement.objects.of_household(self.household, self.request.user).select_related("accommodation"),
            pk=kwargs["pk"],
        )

    def initial(self) -> dict[str, Any]:
        return super().initial() | {"accommodation": self.instance.accommodation}

    def save(self, data: dict[str, Any]) -> Placement:
        return services.placement_update(placement=self.instance, **data)


class KeyWorkerAssign(HouseholdFormView):
    """A ward manager gives a case to a caseworker in its ward, or leaves it unassigned."""

    form_class = f.KeyWorkerForm
    title = "Change key worker"
    button = "Save key worker"
    writes = "key_worker"
    household: Household

    def initial(self) -> dict[str, Any]:
        return {"key_worker": self.household.key_worker_id}

    def get_form(self, data: Any = None) -> Form:
        household: Household = self.household
        return f.KeyWorkerForm(data, initial=self.initial(), user=self.request.user, household=household)

    def save(self, data: dict[str, Any]) -> Household:
        return services.household_assign(household=self.household, key_worker=data["key_worker"])

    def done_message(self, saved: models.Model) -> str:
        worker = saved.key_worker  # type: ignore[attr-defined]
        if worker is None:
            return f"{saved} has no key worker now"
        return f"{saved}: key worker is now {f.staff_name(worker)}"
