"""Forms for case work: presentation and parsing only. Each feeds one service in casework.services, which
validates the record as a whole."""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from households.models import Household
from taskforce.org import scoping
from taskforce.org.forms import DateField, GovukForm
from taskforce.org.models import Agency

from .models import CaseNote, Goal, HeadlineOutcome, SustainCheck


def _partners() -> Any:
    return Agency.objects.filter(kind=Agency.Kind.PARTNER)


class AssessmentForm(GovukForm):
    assessed_on = DateField(label="Date of the assessment", help_text="For example, 27 9 2010")
    needs = forms.ModelMultipleChoiceField(
        label="Headline outcomes the family needs help towards",
        queryset=HeadlineOutcome.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="The ten headline outcomes of the Supporting Families outcomes framework (2022). "
        "Select all that apply.",
        error_messages={"required": "Select at least one headline outcome the family needs help towards"},
    )
    summary = forms.CharField(
        label="Summary of the assessment",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        error_messages={"required": "Enter a summary of the assessment"},
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["needs"]
        field.queryset = HeadlineOutcome.objects.all()  # type: ignore[attr-defined]
        field.widget.choices = field.choices  # type: ignore[attr-defined]


class PlanForm(GovukForm):
    agreed_on = DateField(
        label="Date the plan was agreed with the family", help_text="For example, 3 10 2010"
    )
    next_review_on = DateField(label="Date of the first review", help_text="Usually within 3 months.")
    lead_agency = forms.ModelChoiceField(
        label="Lead agency",
        queryset=Agency.objects.none(),
        empty_label=None,
        error_messages={"required": "Select the lead agency"},
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_agency"].queryset = _partners()  # type: ignore[attr-defined]
        profile = scoping.profile_of(user)
        if profile is not None and not self.is_bound:
            self.initial.setdefault("lead_agency", profile.agency_id)


class GoalForm(GovukForm):
    outcome = forms.ModelChoiceField(
        label="Headline outcome",
        queryset=HeadlineOutcome.objects.none(),
        empty_label=None,
        error_messages={"required": "Select the headline outcome"},
    )
    description = forms.CharField(
        label="What the family wants to achieve",
        max_length=300,
        error_messages={"required": "Enter what the family wants to achieve"},
    )
    review_on = DateField(label="Date to review the goal")
    action = forms.CharField(
        label="First action",
        max_length=300,
        help_text="A step towards the goal; add more from the plan.",
        error_messages={"required": "Enter the first action towards the goal"},
    )
    agency = forms.ModelChoiceField(
        label="Agency that owns the action",
        queryset=Agency.objects.none(),
        empty_label=None,
        error_messages={"required": "Select the agency that owns the action"},
    )
    due_on = DateField(label="Date the action is due", required=False, help_text="Optional.")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].queryset = HeadlineOutcome.objects.all()  # type: ignore[attr-defined]
        self.fields["agency"].queryset = _partners()  # type: ignore[attr-defined]


class ActionForm(GovukForm):
    description = forms.CharField(
        label="Action", max_length=300, error_messages={"required": "Enter the action"}
    )
    agency = forms.ModelChoiceField(
        label="Agency that owns it",
        queryset=Agency.objects.none(),
        empty_label=None,
        error_messages={"required": "Select the agency that owns the action"},
    )
    due_on = DateField(label="Date it is due", required=False, help_text="Optional.")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = _partners()  # type: ignore[attr-defined]


class ActionDoneForm(GovukForm):
    done = forms.TypedChoiceField(
        label="Has the action been done?",
        choices=[("yes", "Yes"), ("no", "No, not yet")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the action has been done"},
    )
    done_on = DateField(label="Date it was done", required=False, help_text="Only when it has been done.")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("done") and not data.get("done_on") and "done_on" not in self.errors:
            self.add_error("done_on", "Enter the date the action was done")
        return data


class GoalStatusForm(GovukForm):
    status = forms.ChoiceField(
        label="Progress",
        choices=Goal.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the goal's progress"},
    )
    achieved_on = DateField(label="Date achieved", required=False, help_text="Only when it was achieved.")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class ReviewForm(GovukForm):
    reviewed_on = DateField(label="Date of the review")
    summary = forms.CharField(
        label="What the review found",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        error_messages={"required": "Enter what the review found"},
    )
    next_review_on = DateField(label="Date of the next review")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class CloseForm(GovukForm):
    on = DateField(label="Date the case closed")
    reason = forms.ChoiceField(
        label="Reason for closing",
        choices=Household.ClosureReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the reason for closing the case"},
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class SustainCheckForm(GovukForm):
    months = forms.TypedChoiceField(
        label="Which check",
        choices=SustainCheck.Months.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select which check this is"},
    )
    checked_on = DateField(label="Date of the check")
    sustained = forms.TypedChoiceField(
        label="Was the outcome sustained?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the outcome was sustained"},
    )
    note = forms.CharField(label="Note", max_length=500, required=False, help_text="Optional.")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class CaseNoteForm(GovukForm):
    contact_on = DateField(label="Date of the contact", help_text="For example, 14 2 2011")
    kind = forms.ChoiceField(
        label="Type of contact",
        choices=CaseNote.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of contact"},
    )
    text = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=10000,
        error_messages={"required": "Enter the note"},
    )
    sensitive = forms.BooleanField(
        label="Sensitive: only my agency may read this note",
        required=False,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class _ColleagueChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.username


class TaskForm(GovukForm):
    title = forms.CharField(label="Task", max_length=200, error_messages={"required": "Enter the task"})
    due_on = DateField(label="Date it is due")
    assignee = _ColleagueChoice(
        label="Assign to a colleague",
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="No: assign it to me or to a team",
        help_text="Someone in your agency.",
    )
    team = forms.ModelChoiceField(
        label="Assign to a team",
        queryset=Agency.objects.none(),
        required=False,
        empty_label="No: assign it to me",
        help_text="Leave both as they are to keep the task yourself.",
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = _partners()  # type: ignore[attr-defined]
        profile = scoping.profile_of(user)
        colleagues = get_user_model().objects.none()
        if profile is not None:
            colleagues = (
                get_user_model()
                .objects.filter(is_active=True, staff_profile__agency=profile.agency)
                .order_by("first_name", "last_name", "username")
            )
        self.fields["assignee"].queryset = colleagues  # type: ignore[attr-defined]
