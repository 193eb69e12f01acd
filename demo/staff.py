"""The demo's staff accounts (with the two-factor secrets the demo prints) and the bulk-load index helper."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, models

from taskforce.org.models import Agency, Area, StaffProfile

# One sign-in per role; every key worker is a caseworker in a partner agency.
DEMO_STAFF = (
    # username, first, last, role, agency
    ("caseworker", "Casey", "Worker", StaffProfile.Role.CASEWORKER, "jcp"),
    ("housing", "Harper", "Housing", StaffProfile.Role.HOUSING_OFFICER, "tdc"),
    ("wardmanager", "Morgan", "Manager", StaffProfile.Role.WARD_MANAGER, "tdc"),
    ("policylead", "Pat", "Policy", StaffProfile.Role.POLICY_LEAD, "kcc"),
    ("dpo", "Dana", "Protection", StaffProfile.Role.DATA_PROTECTION_OFFICER, "kcc"),
    ("caseworker.kcc", "Kit", "Family", StaffProfile.Role.CASEWORKER, "kcc"),
    ("caseworker.nhs", "Noel", "Health", StaffProfile.Role.CASEWORKER, "nhs"),
    ("caseworker.vcs", "Val", "Advice", StaffProfile.Role.CASEWORKER, "vcs"),
)


@contextmanager
def indexes_built_after(model: type[models.Model]) -> Iterator[None]:
    """Write `model`'s rows with its named indexes dropped, then build them again: one sort at the end costs
    less than keeping each index in order row by row. Inside the load's transaction, so a failed load
    keeps them."""
    # Only builds SQL: entering the editor would need foreign key checks off, which SQLite cannot do
    # inside a transaction.
    editor = connection.schema_editor()
    table = editor.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        for index in model._meta.indexes:
            cursor.execute(editor.sql_delete_index % {"name": editor.quote_name(index.name), "table": table})
        yield
        # PostgreSQL builds no index on a table with foreign key checks pending, so they run now; SQLite's
        # check names a broken reference where a failure at commit would not.
        connection.check_constraints(table_names=[model._meta.db_table])
        for index in model._meta.indexes:
            cursor.execute(str(index.create_sql(model, editor)))


def create_staff(*, agencies: dict[str, Agency], wards: list[Area]) -> list[StaffProfile]:
    User = get_user_model()
    profiles = []
    password = make_password(settings.DEMO_PASSWORD)  # hashed once: the hasher is slow by design
    for username, first, last, role, agency in DEMO_STAFF:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@demo.invalid",
                password=password,
            )
        profile, _ = StaffProfile.objects.get_or_create(
            user=user, defaults={"agency": agencies[agency], "role": role}
        )
        profile.wards.set(wards)
        profiles.append(profile)
    if not User.objects.filter(username="admin").exists():
        User.objects.create(
            username="admin", email="admin@demo.invalid", password=password, is_staff=True, is_superuser=True
        )
    # Accounts that must use two-factor sign-in get an authenticator secret printed by load_demo.
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from taskforce.org.two_factor import DEVICE_NAME

    from .two_factor import demo_totp_key, demo_two_factor_usernames

    for user in User.objects.filter(username__in=demo_two_factor_usernames()):
        TOTPDevice.objects.get_or_create(
            user=user, defaults={"name": DEVICE_NAME, "key": demo_totp_key(user.username), "confirmed": True}
        )
    return profiles
