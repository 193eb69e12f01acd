"""The organisation: areas, agencies and staff roles."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .validators import validate_gss_code


class Area(models.Model):
    class Type(models.TextChoices):
        WARD = "ward", "Ward"
        LSOA = "lsoa", "Lower layer super output area"
        DISTRICT = "district", "District"
        COUNTY = "county", "County"
        REGION = "region", "Region"
        COUNTRY = "country", "Country"

    gss_code = models.CharField("GSS code", max_length=9, validators=[validate_gss_code])
    vintage = models.PositiveSmallIntegerField(help_text="Year of the boundary set the code belongs to.")
    name = models.CharField(max_length=120)
    type = models.CharField(max_length=10, choices=Type.choices)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children")
    is_target = models.BooleanField(
        "target ward", default=False, help_text="One of the wards the task force works in."
    )
    is_synthetic = models.BooleanField(
        default=False, help_text="Made up by the demo data set; never publish figures for it."
    )

    class Meta:
        ordering = ["type", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["gss_code", "vintage"],
                name="area_code_unique_per_vintage",
                violation_error_message="gss_code: an area with this GSS code and vintage already exists.",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")),
                name="area_not_its_own_parent",
                violation_error_message="parent: an area cannot be its own parent.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.gss_code})"


class Agency(models.Model):
    class Kind(models.TextChoices):
        PARTNER = "partner", "Task force partner"
        PLACING_AUTHORITY = "placing", "Placing authority"
        OTHER = "other", "Other organisation"

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=160, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PARTNER)
    sector = models.CharField(
        max_length=40,
        blank=True,
        help_text="County council, district council, employment, health, police, fire, probation, voluntary...",
    )

    class Meta:
        ordering = ["kind", "name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class StaffProfile(models.Model):
    class Role(models.TextChoices):
        CASEWORKER = "caseworker", "Caseworker"
        HOUSING_OFFICER = "housing_officer", "Housing officer"
        WARD_MANAGER = "ward_manager", "Ward manager"
        POLICY_LEAD = "policy_lead", "Policy lead"
        DATA_PROTECTION_OFFICER = "dpo", "Data protection officer"

    # Roles whose work shows them records about named people, and so must sign in with a second factor. The
    # data protection officer is one: subject access exports and the retention report name people.
    PERSONAL_DATA_ROLES = frozenset(
        {Role.CASEWORKER, Role.HOUSING_OFFICER, Role.WARD_MANAGER, Role.DATA_PROTECTION_OFFICER}
    )

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="staff_profile")
    agency = models.ForeignKey(Agency, models.PROTECT, related_name="staff")
    role = models.CharField(max_length=20, choices=Role.choices)
    wards = models.ManyToManyField(
        Area, blank=True, related_name="staff", limit_choices_to={"type": Area.Type.WARD}
    )
    history = HistoricalRecords(m2m_fields=[wards])

    class Meta:
        ordering = ["user__username"]

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.get_username()} ({self.get_role_display()}, {self.agency})"


class AccessLogIsAppendOnly(Exception):
    pass


class AccessLogQuerySet(models.QuerySet):
    """Refuses bulk changes: the access log only grows."""

    def update(self, **kwargs: object) -> int:
        raise AccessLogIsAppendOnly("The access log is append-only: its rows cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AccessLogIsAppendOnly("The access log is append-only: its rows cannot be deleted.")


class AccessLog(models.Model):
    """One read of personal data: who, in which role, what they read or searched for, why, when, from where.

    Written in the transaction of the read it records (taskforce.org.audit). Rows are never changed or deleted:
    save() refuses updates, delete() refuses, and on PostgreSQL a trigger refuses UPDATE and DELETE.
    """

    class Route(models.TextChoices):
        API = "api", "API"
        WEB = "web", "Web page"

    class Action(models.TextChoices):
        DETAIL = "detail", "Opened a record"
        LIST = "list", "Listed records"
        SEARCH = "search", "Searched"
        EXPORT = "export", "Exported records"
        SUBJECT_ACCESS = "sar", "Subject access request export"
        BREAK_GLASS = "break_glass", "Opened an out-of-scope household (break glass)"

    class Outcome(models.TextChoices):
        ALLOWED = "allowed", "Allowed"
        # The role may not read this kind of record at all (403).
        REFUSED = "refused", "Refused"
        # The record does not exist or is outside the user's scope (404): the user cannot tell which.
        OUT_OF_SCOPE = "out_of_scope", "Not found or out of scope"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    # PROTECT: an account that has read personal data is deactivated, never deleted, so the log keeps it.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    username = models.CharField(max_length=150, help_text="As it was at the time of the read.")
    role = models.CharField(max_length=20, blank=True)
    route = models.CharField(max_length=10, choices=Route.choices)
    action = models.CharField(max_length=12, choices=Action.choices)
    outcome = models.CharField(
        max_length=12,
        choices=Outcome.choices,
        default=Outcome.ALLOWED,
        help_text="Whether the read was allowed, refused for the role, or found nothing the user may see.",
    )
    resource = models.CharField(max_length=60, help_text="What was read, e.g. households.household.")
    object_ids = models.JSONField(default=list, blank=True, help_text="Primary keys of the records read.")
    query = models.CharField(max_length=500, blank=True, help_text="The filters and search terms used.")
    purpose = models.CharField(max_length=200, blank=True)
    client_address = models.GenericIPAddressField(null=True, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["user", "at"], name="accesslog_user_at_idx"),
            models.Index(fields=["outcome", "at"], name="accesslog_outcome_at_idx"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.username} {self.get_action_display().lower()} {self.resource} at {self.at:%Y-%m-%d %H:%M}"
        )

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise AccessLogIsAppendOnly("The access log is append-only: its rows cannot be changed.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AccessLogIsAppendOnly("The access log is append-only: its rows cannot be deleted.")


class AccessLogSubject(models.Model):
    """A person whose data one access-log entry exposed, so the log can be searched by person.

    `person_id` is a plain number, not a foreign key: the record of who read a person outlives the person's
    record when retention deletes it.
    """

    entry = models.ForeignKey(AccessLog, models.DO_NOTHING, related_name="subjects")
    person_id = models.PositiveBigIntegerField(db_index=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "person_id"], name="accesslog_subject_once_per_entry")
        ]

    def __str__(self) -> str:
        return f"person {self.person_id} in access-log entry {self.entry_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise AccessLogIsAppendOnly("The access log is append-only: its rows cannot be changed.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AccessLogIsAppendOnly("The access log is append-only: its rows cannot be deleted.")


class BreakGlassGrant(models.Model):
    """A ward manager's recorded decision to open one household outside their scope, for a limited time."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="break_glass_grants")
    household = models.ForeignKey("households.Household", models.PROTECT, related_name="break_glass_grants")
    reason = models.TextField(
        help_text="Why the household had to be opened; the data protection officer sees it."
    )
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-granted_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("granted_at")),
                name="break_glass_expires_after_grant",
                violation_error_message="expires_at: a grant must expire after it is made.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} opened {self.household} at {self.granted_at:%Y-%m-%d %H:%M}"

    def clean(self) -> None:
        if len((self.reason or "").strip()) < 10:
            raise ValidationError({"reason": "Give the reason in at least 10 characters."})


class ApiToken(models.Model):
    """A bearer token for the API. Only a hash is stored: the key is shown once, when it is created."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80, help_text="What the token is for, e.g. the script that uses it.")
    prefix = models.CharField(
        max_length=8, help_text="The first characters of the key, to tell tokens apart."
    )
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    two_factor = models.BooleanField(
        "made after two-factor sign-in",
        default=False,
        help_text="Made by a session that proved a second factor, or by a token that was. A role that must "
        "use two-factor sign-in can use only such tokens.",
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}...) for {self.user}"
