"""Who may see which records: the one place that scopes personal data, for the API and the web pages alike.

Every personal-data model has a `visible_to(user)` QuerySet method; each of them derives from the rules
here, most through household visibility:

- a caseworker sees households in their wards whose data-sharing basis covers their agency today
  (started, not expired, not withdrawn), and everything recorded about those households and their members;
- a ward manager sees every household in their wards, and a household outside them for which they hold an
  unexpired break-glass grant;
- a housing officer sees properties in their wards with their licences, inspections, hazards and
  enforcement, and how many people live in each, but no household, person, case note or benefit record;
- a caseworker sees the homes of the households they may see, not the property register; they may name any
  property in their wards when recording a move or a placement (`property_address_filter`);
- a policy lead and the data protection officer see no personal record through these methods: the policy
  lead reads aggregates, the data protection officer reads the access log and subject access exports.

An inactive account, or one without a staff profile, sees nothing.

Who may write is stated here too, beside who may read, in `WRITES` (`may_write`): views, API viewsets and
imports ask it rather than naming roles themselves. A write is further limited to the rows the writer may
see: a caseworker writes to households they may read.
"""

from datetime import date
from typing import cast

from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as Account
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from .models import Area, BreakGlassGrant, StaffProfile

# What `request.user` is: an account (Django's own user model, settings.AUTH_USER_MODEL) or anonymous.
User = Account | AnonymousUser
Role = StaffProfile.Role

CASE_ROLES = frozenset({Role.CASEWORKER, Role.WARD_MANAGER})
PROPERTY_ROLES = frozenset({Role.CASEWORKER, Role.HOUSING_OFFICER, Role.WARD_MANAGER})
HOUSING_ROLES = frozenset({Role.HOUSING_OFFICER, Role.WARD_MANAGER})

# Matches no row; Django answers it without asking the database.
NOTHING = Q(pk__in=[])

# Who may write what, by kind of record or action. Reads are the filters below.
WRITES: dict[str, frozenset[str]] = {
    # Households, people, memberships, moves, data-sharing bases, placements, interventions and referrals.
    "case": frozenset({Role.CASEWORKER}),
    # Choosing a household's key worker, and opening a household outside one's wards for a while.
    "key_worker": frozenset({Role.WARD_MANAGER}),
    # Accepting or declining a referral in one's own agency's inbox.
    "referral_answer": frozenset({Role.CASEWORKER, Role.WARD_MANAGER}),
    # Linking two records of one person, or marking them as different people.
    "person_link": frozenset({Role.CASEWORKER, Role.WARD_MANAGER}),
    "break_glass": frozenset({Role.WARD_MANAGER}),
    # Properties, licences, inspections, hazard findings and enforcement.
    "housing": frozenset({Role.HOUSING_OFFICER}),
    # The evidence pack and the analyses requested from its pages.
    "analysis": frozenset({Role.POLICY_LEAD}),
    # Analyses requested through the API, where ward managers read the runs as well as policy leads.
    "analysis_run": frozenset({Role.POLICY_LEAD, Role.WARD_MANAGER}),
    # Tasks and reminders: everyone with a staff profile adds their own and marks theirs done.
    "task": frozenset(Role.values),
    # Files imported, by kind: each role imports the records it would otherwise write one by one.
    "import:households": frozenset({Role.CASEWORKER, Role.WARD_MANAGER}),
    "import:interventions": frozenset({Role.CASEWORKER, Role.WARD_MANAGER}),
    "import:placements": frozenset({Role.CASEWORKER, Role.WARD_MANAGER}),
    "import:benefit-records": frozenset({Role.WARD_MANAGER}),
    "import:properties": frozenset({Role.HOUSING_OFFICER, Role.WARD_MANAGER}),
    "import:licences": frozenset({Role.HOUSING_OFFICER, Role.WARD_MANAGER}),
    "import:inspections": frozenset({Role.HOUSING_OFFICER, Role.WARD_MANAGER}),
    "import:area-statistics": frozenset({Role.POLICY_LEAD, Role.WARD_MANAGER}),
    # The data protection officer's workspace: subject access requests, break-glass reviews, retention
    # actions and information-sharing agreements.
    "privacy": frozenset({Role.DATA_PROTECTION_OFFICER}),
    # The Margate Agreement register: who signed, when and what they committed to.
    "agreement": frozenset({Role.WARD_MANAGER}),
    # An s208 notice opening a case, ward and LSOA boundaries, and where homes stand.
    "import:s208-notices": frozenset({Role.CASEWORKER, Role.WARD_MANAGER}),
    "import:boundaries": frozenset({Role.POLICY_LEAD, Role.WARD_MANAGER}),
    "import:property-locations": frozenset({Role.HOUSING_OFFICER, Role.WARD_MANAGER}),
}


def may_write(user: "User | None", what: str) -> bool:
    """Whether `user`'s role may write `what` (a key of WRITES); an unknown key is a programming error."""
    return role_of(user) in WRITES[what]


def writers_of(what: str) -> frozenset[str]:
    """The roles that may write `what`, for permission classes that check a role already known."""
    return WRITES[what]


def signed_in(user: User) -> Account:
    """`request.user` as the account it is, for a view that only a signed-in user reaches (`login_required`,
    DRF's `IsAuthenticated`). Checks nothing: the view's guard has done so."""
    return cast(Account, user)


def profile_of(user: User | None) -> StaffProfile | None:
    """The user's staff profile, or None for anonymous, inactive or profile-less accounts (cached on the user)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    try:
        return user.staff_profile
    except ObjectDoesNotExist:
        return None


def role_of(user: User | None) -> str | None:
    profile = profile_of(user)
    return profile.role if profile else None


def sees_cases(user: User | None) -> bool:
    """Households, people, interventions (with their case notes), referrals, placements, benefit records."""
    return role_of(user) in CASE_ROLES


def sees_properties(user: User | None) -> bool:
    return role_of(user) in PROPERTY_ROLES


def sees_housing_records(user: User | None) -> bool:
    """Licences, inspections, hazard findings and enforcement."""
    return role_of(user) in HOUSING_ROLES


def _wards(profile: StaffProfile) -> Q:
    return Q(ward__in=Area.objects.filter(staff=profile).values("pk"))


def household_filter(user: User | None, *, on: date | None = None) -> Q:
    """The condition a Household row meets when `user` may see it."""
    profile = profile_of(user)
    if profile is None:
        return NOTHING
    if profile.role == Role.WARD_MANAGER:
        granted = BreakGlassGrant.objects.filter(user=profile.user_id, expires_at__gt=timezone.now())
        return _wards(profile) | Q(pk__in=granted.values("household_id"))
    if profile.role == Role.CASEWORKER:
        on = on or timezone.localdate()
        basis = apps.get_model("households", "DataSharingBasis")
        in_force = (
            basis.objects.filter(household=OuterRef("pk"), agencies=profile.agency_id, starts_on__lte=on)
            .filter(Q(expires_on__isnull=True) | Q(expires_on__gt=on))
            .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on))
        )
        return _wards(profile) & Q(Exists(in_force))
    return NOTHING


def property_filter(user: User | None) -> Q:
    """The condition a Property row meets when `user` may see it: list it, open it, count who lives there.

    Housing officers and ward managers see the register, every property in their wards, on the properties
    page and through the API alike. A caseworker is refused the register (page and API): they see the homes
    of households they may see, where one lives or lived, or was placed.
    """
    profile = profile_of(user)
    if profile is None:
        return NOTHING
    if profile.role in HOUSING_ROLES:
        return _areas(profile)
    if profile.role == Role.CASEWORKER:
        households = apps.get_model("households", "Household").objects.filter(household_filter(user))
        residence = apps.get_model("households", "Residence")
        placement = apps.get_model("households", "Placement")
        lived = residence.objects.filter(household__in=households).values("property_id")
        placed = placement.objects.filter(household__in=households).values("accommodation_id")
        return Q(pk__in=lived) | Q(pk__in=placed)
    return NOTHING


def property_address_filter(user: User | None) -> Q:
    """The properties `user` may name in a write (a move, a placement), by UPRN or id: those in their wards,
    for the roles that record homes. Naming a home lists nothing and shows no one who lives there."""
    profile = profile_of(user)
    if profile is None or profile.role not in PROPERTY_ROLES:
        return NOTHING
    return _areas(profile)


def _areas(profile: StaffProfile) -> Q:
    return Q(area__in=Area.objects.filter(staff=profile).values("pk"))
