"""Benefit records, area statistics, unit costs, analysis runs and the analysis plan."""

import hashlib
import json
import re
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from households.models import Person
from jobs.models import Job
from taskforce.org.models import Area

from .querysets import AnalysisPlanQuerySet, AnalysisRunQuerySet, BenefitRecordQuerySet


class BenefitType(models.Model):
    """Reference data. `out_of_work` marks the benefits that make a household dependent."""

    code = models.SlugField(max_length=12, unique=True)
    name = models.CharField(max_length=80, unique=True)
    out_of_work = models.BooleanField(
        default=False,
        help_text="JSA, ESA, IS, IB, and Universal Credit in the searching-for-work or no-work-requirements groups.",
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class BenefitRecord(models.Model):
    """What one person received of one benefit in one calendar month."""

    # Indexed through the unique (person, month, benefit), (month, benefit) and (benefit, person, month,
    # amount) indexes below: separate foreign-key indexes would slow bulk loads of millions of rows for no
    # query that needs them. The last one answers "what did this person receive of this benefit in these
    # months" from the index alone (the dashboards' housing benefit sums).
    person = models.ForeignKey(Person, models.PROTECT, related_name="benefit_records", db_index=False)
    month = models.DateField(help_text="The first day of the month.")
    benefit = models.ForeignKey(BenefitType, models.PROTECT, related_name="records", db_index=False)
    amount = models.DecimalField("amount (£)", max_digits=9, decimal_places=2)
    history = HistoricalRecords()

    objects = BenefitRecordQuerySet.as_manager()

    class Meta:
        ordering = ["person", "month", "benefit"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "month", "benefit"],
                name="one_benefit_record_per_person_month",
                violation_error_message="benefit: this person already has a record of this benefit for this month.",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="benefit_amount_not_negative",
                violation_error_message="amount: a benefit amount cannot be negative.",
            ),
        ]
        indexes = [
            models.Index(fields=["month", "benefit"], name="benefit_month_idx"),
            models.Index(fields=["benefit", "person", "month", "amount"], name="benefit_person_month_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.benefit.code} {self.month:%Y-%m}: £{self.amount}"

    def clean(self) -> None:
        # Not a database CHECK: on SQLite a day-of-month check calls back into Python for every row written.
        if self.month and self.month.day != 1:
            raise ValidationError({"month": "A benefit record covers a calendar month: give its first day."})


class HousingBenefitLedger(models.Model):
    """One housing benefit claimant's records as one row: the amount of each month from the first month
    paid to the last, in pennies (little-endian 32-bit whole numbers; -1 for a month with no record).

    Derived from `BenefitRecord`, for the dashboards' housing benefit sums: a span of months is then two
    look-ups in running totals instead of a range of the records' index (`outcomes.datasets.ledger`). It is
    rebuilt in the same transaction as an import or a demo load writes records, and by the dashboards'
    warming job; `LedgerState` records the records' fingerprint it was built from, and a reader finding
    the records changed since (an edit in the admin, say) sums the records themselves instead."""

    person = models.OneToOneField(Person, models.CASCADE, primary_key=True, related_name="+")
    first_month = models.DateField()
    pennies = models.BinaryField()

    class Meta:
        ordering = ["person"]

    def __str__(self) -> str:
        return f"{self.person_id} from {self.first_month:%Y-%m}: {len(self.pennies) // 4} months"


class LedgerState(models.Model):
    """The fingerprint of the benefit records (highest id, highest history id) the ledger was built from."""

    name = models.CharField(max_length=40, primary_key=True)
    built_from = models.CharField(max_length=100)
    built_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name}: {self.built_from}"


class AreaStatistic(models.Model):
    """A published or derived figure for an area and period (claimant counts, population, spend...)."""

    class Frequency(models.TextChoices):
        YEAR = "year", "Year"
        QUARTER = "quarter", "Quarter"
        MONTH = "month", "Month"
        DAY = "day", "Day"

    area = models.ForeignKey(Area, models.PROTECT, related_name="statistics")
    frequency = models.CharField(max_length=8, choices=Frequency.choices)
    period_start = models.DateField(help_text="First day of the period.")
    measure = models.SlugField(max_length=60)
    value = models.FloatField()
    source = models.CharField(max_length=200)
    vintage = models.CharField(max_length=40, blank=True, help_text="Release or edition of the source.")

    class Meta:
        ordering = ["area", "measure", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "measure", "frequency", "period_start"],
                name="one_statistic_per_area_measure_period",
                violation_error_message="period: this area already has a value of this measure for this period.",
            ),
        ]
        indexes = [
            models.Index(fields=["measure", "frequency", "period_start"], name="statistic_measure_idx")
        ]

    def __str__(self) -> str:
        return f"{self.area.gss_code} {self.measure} {self.period}: {self.value}"

    @property
    def period(self) -> str:
        """The period as written in imports: YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD."""
        start = self.period_start
        if self.frequency == self.Frequency.YEAR:
            return f"{start:%Y}"
        if self.frequency == self.Frequency.QUARTER:
            return f"{start:%Y}-Q{(start.month - 1) // 3 + 1}"
        if self.frequency == self.Frequency.MONTH:
            return f"{start:%Y-%m}"
        return start.isoformat()


class GovernmentLevel(models.TextChoices):
    CENTRAL = "central", "Central government"
    LOCAL = "local", "Local government and local services"


class UnitCost(models.Model):
    """Editable reference data for the savings layer: what one unit of an outcome is worth, to whom, and where
    from. The Exchequer line holds transfers (benefit payments); the other lines are resource savings or output,
    which count as social value."""

    class Line(models.TextChoices):
        EXCHEQUER = "exchequer", "Exchequer (AME benefit spending)"
        SOCIAL = "social", "Social value"
        CASHABLE = "cashable", "Cashable local saving"

    Level = GovernmentLevel

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    line = models.CharField(max_length=10, choices=Line.choices)
    payer = models.CharField(
        max_length=60, default="DWP", help_text="Who bears the cost avoided: DWP, the council, NHS, police..."
    )
    level = models.CharField(max_length=8, choices=GovernmentLevel.choices, default=GovernmentLevel.CENTRAL)
    unit = models.CharField(
        max_length=60, help_text="What one unit is, e.g. 'claimant-year off out-of-work benefit'."
    )
    value = models.DecimalField("value (£)", max_digits=12, decimal_places=2)
    price_year = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=300)
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["line", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="unit_cost_not_negative",
                violation_error_message="value: a unit cost cannot be negative.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}: £{self.value} ({self.price_year} prices)"


class ProgrammeCost(models.Model):
    """A cost of running the programme in one year of it (staff, co-location, other), before the optimism-bias
    uplift the appraisal applies. Intervention costs are read from the interventions themselves."""

    class Kind(models.TextChoices):
        STAFF = "staff", "Staff"
        CO_LOCATION = "co-location", "Co-location and premises"
        OTHER = "other", "Other"

    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(help_text="Year of the programme, 0 the first.")
    amount = models.DecimalField("amount (£)", max_digits=12, decimal_places=2)
    payer = models.CharField(max_length=60, help_text="Who pays: the council, DWP, NHS...")
    level = models.CharField(max_length=8, choices=GovernmentLevel.choices)
    price_year = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=300)
    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="programme_cost_not_negative",
                violation_error_message="amount: a programme cost cannot be negative.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, year {self.year}: £{self.amount}"


class AnalysisRun(models.Model):
    """One requested analysis: its parameters, progress (through its job) and stored result."""

    class Kind(models.TextChoices):
        GAP = "gap", "Gap to Kent average (descriptive)"
        AREA_IMPACT = "area-impact", "Area impact"
        ITS = "its", "Comparative interrupted time series"
        HOUSEHOLD_IMPACT = "household-impact", "Household impact"
        MATCHED = "matched", "Matched comparison"
        SAVINGS = "savings", "Savings (Green Book)"
        PLACEMENTS = "placements", "Placements evidence"
        HOUSING = "housing", "Housing evidence"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    parameters = models.JSONField(default=dict, blank=True)
    job = models.OneToOneField(Job, models.PROTECT, related_name="analysis_run")
    result = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AnalysisRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["kind", "-created_at"], name="analysis_kind_latest_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.job.get_state_display()})"

    # Running, finished or failed is the job's to say: the run keeps only what it found.
    @property
    def state(self) -> str:
        return self.job.state

    @property
    def is_finished(self) -> bool:
        return self.job.is_finished

    @property
    def succeeded(self) -> bool:
        return self.job.state == Job.State.SUCCEEDED

    @property
    def failed(self) -> bool:
        return self.job.state == Job.State.FAILED

    @property
    def error(self) -> str:
        return "; ".join(self.job.errors)

    @property
    def finished_at(self) -> datetime | None:
        return self.job.finished_at


class AnalysisPlan(models.Model):
    """A pre-analysis plan: the headline outcome and method, the comparator pool, the windows, secondary
    outcomes and their multiple-testing rule, and the detectable effect. Locking freezes it with a timestamp
    and the SHA-256 of its canonical JSON; a locked plan is never edited, only deviated from on the record."""

    class Method(models.TextChoices):
        SDID = "sdid", "Synthetic difference-in-differences"
        SC = "sc", "Synthetic control"
        DID = "did", "Difference-in-differences"
        EVENT_STUDY = "event-study", "Event study"
        CS = "cs", "Callaway-Sant'Anna"

    class Neighbours(models.TextChoices):
        EXCLUDE = "exclude", "Excluded from the comparator pool"
        SPILLOVER_RING = "spillover-ring", "Held apart as a spillover ring"

    class MultipleTesting(models.TextChoices):
        HOLM = "holm", "Holm (family-wise error rate)"
        BH = "bh", "Benjamini-Hochberg (false discovery rate)"

    title = models.CharField(max_length=200)
    headline_measure = models.SlugField(max_length=60, default="out_of_work_rate")
    headline_unit = models.CharField(max_length=40, default="percentage points")
    method = models.CharField(max_length=20, choices=Method.choices, default=Method.SDID)
    treated = models.JSONField(default=dict, help_text="Treated area codes and each one's start, YYYY-MM.")
    comparator_pool = models.JSONField(
        default=list, blank=True, help_text="Donor area codes; empty means every area with the measure."
    )
    neighbours = models.JSONField(default=list, blank=True, help_text="Area codes bordering the treated.")
    neighbours_policy = models.CharField(
        max_length=20, choices=Neighbours.choices, default=Neighbours.EXCLUDE
    )
    pre_start = models.CharField(max_length=7, help_text="First pre-period month, YYYY-MM.")
    post_start = models.CharField(max_length=7, help_text="First post-period month, YYYY-MM.")
    post_end = models.CharField(max_length=7, help_text="Last post-period month, YYYY-MM.")
    secondary_outcomes = models.JSONField(default=list, blank=True)
    multiple_testing = models.CharField(
        max_length=4, choices=MultipleTesting.choices, default=MultipleTesting.HOLM
    )
    alpha = models.FloatField(default=0.05)
    power = models.FloatField(default=0.8)
    mde = models.FloatField(null=True, blank=True, help_text="Minimum detectable effect, headline units.")
    mde_basis = models.JSONField(default=dict, blank=True, help_text="The power calculation behind the MDE.")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    locked_at = models.DateTimeField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)

    objects = AnalysisPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(locked_at__isnull=True, sha256="") | (Q(locked_at__isnull=False) & ~Q(sha256="")),
                name="plan_locked_with_its_hash",
                violation_error_message="A plan is locked with both its timestamp and its hash, or with neither.",
            ),
            models.CheckConstraint(
                condition=Q(alpha__gt=0, alpha__lt=1, power__gt=0, power__lt=1),
                name="plan_alpha_and_power_are_shares",
                violation_error_message="alpha and power must lie strictly between 0 and 1.",
            ),
        ]

    def __str__(self) -> str:
        state = f"locked {self.locked_at:%Y-%m-%d %H:%M}" if self.locked_at else "draft"
        return f"{self.title} ({state})"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    def content(self) -> dict[str, Any]:
        """What the plan commits to: the fields its hash covers."""
        return {name: getattr(self, name) for name in PLAN_FIELDS}

    def canonical_json(self) -> str:
        return json.dumps(self.content(), sort_keys=True, separators=(",", ":"), ensure_ascii=True)

    def digest(self) -> str:
        return hashlib.sha256(self.canonical_json().encode()).hexdigest()

    @property
    def intact(self) -> bool:
        """Whether a locked plan still matches the hash it was locked with."""
        return self.is_locked and self.digest() == self.sha256

    def clean(self) -> None:
        for name in ("pre_start", "post_start", "post_end"):
            value = getattr(self, name)
            if not PERIOD.fullmatch(value or ""):
                raise ValidationError({name: "Give a month as YYYY-MM."})
        if not self.pre_start < self.post_start <= self.post_end:
            raise ValidationError({"post_start": "The windows must run pre_start < post_start <= post_end."})
        if not self.treated:
            raise ValidationError({"treated": "Name at least one treated area."})


PLAN_FIELDS = (
    "title",
    "headline_measure",
    "headline_unit",
    "method",
    "treated",
    "comparator_pool",
    "neighbours",
    "neighbours_policy",
    "pre_start",
    "post_start",
    "post_end",
    "secondary_outcomes",
    "multiple_testing",
    "alpha",
    "power",
    "mde",
    "mde_basis",
)
PERIOD = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


class PlanDeviation(models.Model):
    """A recorded departure from a locked plan, with its reason; reported wherever the plan's results are."""

    plan = models.ForeignKey(AnalysisPlan, models.PROTECT, related_name="deviations")
    run = models.ForeignKey(
        AnalysisRun, models.SET_NULL, null=True, blank=True, related_name="plan_deviations"
    )
    departure = models.CharField(max_length=300, help_text="What differs from the plan.")
    reason = models.TextField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["plan", "recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="deviation_has_a_reason",
                violation_error_message="reason: a deviation from the plan must give its reason.",
            ),
        ]

    def __str__(self) -> str:
        return f"Deviation from {self.plan.title}: {self.departure}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.pk,
            "run": self.run_id,
            "departure": self.departure,
            "reason": self.reason,
            "recorded_at": self.recorded_at.isoformat() if self.recorded_at else None,
        }
