"""The data protection officer's demo records, plainly synthetic: subject access requests at each step, an
information-sharing agreement per partner agency and a break-glass grant waiting for review. Written
through the workspace's services as the demo's `dpo` account, with dates counted back from today."""

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from households.models import Household, Person
from privacy import services
from taskforce.org import audit
from taskforce.org.models import AccessLog, Agency, BreakGlassGrant

AGREEMENTS = {
    # agency code: (title, purpose, gateway)
    "kcc": ("Early help and family support", "Sharing case details for family intervention", "ca_s17"),
    "tdc": ("Housing and homelessness", "Referrals under the duty to refer and housing options", "ha_s213b"),
    "jcp": ("Employment support", "Claimant details for co-located work coaches", "dea_s35"),
    "nhs": ("Health and wellbeing", "Referrals to community mental health and drug services", "hsca_s251b"),
    "police": ("Community safety", "Information for crime and disorder partnership work", "cda_s115"),
    "fire": ("Home safety visits", "Addresses of vulnerable households for safety visits", "public_task"),
    "probation": ("Offender management", "Accommodation and employment of people on licence", "cda_s115"),
    "vcs": ("Debt and benefits advice", "Referrals with the household's consent", "consent"),
}


def write_privacy_demo(*, seed: int, today: date | None = None) -> None:
    """Write the demo's data-protection records. Needs the demo's staff and households loaded first."""
    today = today or timezone.localdate()
    users = get_user_model().objects
    dpo = users.get(username="dpo")
    partners = {a.code: a for a in Agency.objects.filter(kind=Agency.Kind.PARTNER)}
    core = [partners[c] for c in ("kcc", "tdc") if c in partners]
    for code, (title, purpose, gateway) in AGREEMENTS.items():
        if code not in partners:
            continue
        services.sharing_agreement_create(
            user=dpo,
            title=f"{title} (synthetic demo agreement)",
            partner=partners[code],
            parties=core,
            purpose=purpose,
            gateway=gateway,
            starts_on=date(2010, 9, 1),
            ends_on=None,
            # One review falls due in the past, so the register shows an overdue review.
            review_on=date(today.year - 1 if code == "police" else today.year + 1, 4, 1),
        )

    people = list(Person.objects.order_by("pk").values_list("pk", flat=True)[:200:40])
    steps = [
        ("Synthetic requester one", 45, "received"),  # overdue
        ("Synthetic requester two", 20, "gathered"),
        ("Synthetic requester three", 10, "reviewed"),
        ("Synthetic requester four", 60, "released"),
    ]
    for (requester, days_ago, step), person in zip(steps, people, strict=False):
        sar = services.sar_receive(
            user=dpo,
            requester=f"{requester} (demo)",
            received_on=today - timedelta(days=days_ago),
            person=Person.objects.get(pk=person),
            identity_checked=step != "received",
            identity_evidence="" if step == "received" else "Synthetic: passport seen",
        )
        if step == "received":
            continue
        services.sar_gather(user=dpo, sar=sar, client_address=None)
        if step == "gathered":
            continue
        services.sar_review(user=dpo, sar=sar, redacted=[], reason="")
        if step == "released":
            services.sar_release(user=dpo, sar=sar, released_on=today - timedelta(days=30))

    manager = users.get(username="wardmanager")
    household = Household.objects.order_by("pk")[seed % 50]
    now = timezone.now()
    grant = BreakGlassGrant(
        user=manager,
        household=household,
        reason="Synthetic demo: out-of-hours safeguarding call about a child in the household",
        granted_at=now - timedelta(hours=1),
        expires_at=now + timedelta(hours=7),
    )
    grant.full_clean()
    grant.save()
    people_here = audit.people_exposed_by(Household, [household.pk])
    # What the ward manager read under the grant, for the review to show.
    for action in (AccessLog.Action.BREAK_GLASS, AccessLog.Action.DETAIL):
        audit.access_record(
            user=manager,
            route=AccessLog.Route.WEB,
            action=action,
            resource="households.household",
            object_ids=[household.pk],
            person_ids=people_here,
            purpose=grant.reason if action == AccessLog.Action.BREAK_GLASS else "",
        )
