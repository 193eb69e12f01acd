"""Writes for the organisation's own records: API tokens and break-glass grants."""

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from households.models import Household

from . import audit, scoping
from .models import AccessLog, ApiToken, BreakGlassGrant, StaffProfile

BREAK_GLASS_HOURS = 8


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`, and its key: the only time the key exists outside the caller."""
    key = secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, prefix=key[:8], key_hash=hash_key(key))
    token.full_clean()
    token.save()
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> None:
    token.delete()


@transaction.atomic
def break_glass_open(
    *, user: User, household: Household, reason: str, client_address: str | None
) -> BreakGlassGrant:
    """Open one household outside a ward manager's wards for BREAK_GLASS_HOURS, logged with the reason."""
    if scoping.role_of(user) != StaffProfile.Role.WARD_MANAGER:
        raise ValidationError({"household": "Only a ward manager can break glass."})
    now = timezone.now()
    grant = BreakGlassGrant(
        user=user,
        household=household,
        reason=reason.strip(),
        granted_at=now,
        expires_at=now + timedelta(hours=BREAK_GLASS_HOURS),
    )
    grant.full_clean()
    grant.save()
    audit.access_record(
        user=user,
        route=AccessLog.Route.API,
        action=AccessLog.Action.BREAK_GLASS,
        resource="households.household",
        object_ids=[grant.household_id],
        person_ids=audit.people_exposed_by(type(grant.household), [grant.household_id]),
        purpose=grant.reason,
        client_address=client_address,
    )
    return grant
