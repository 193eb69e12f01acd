"""Writes for the organisation's own records: API tokens."""

import hashlib
import secrets

from django.contrib.auth.models import User
from django.db import transaction

from .models import ApiToken


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str, two_factor: bool = False) -> tuple[ApiToken, str]:
    """A new token for `user`, and its key: the only time the key exists outside the caller. `two_factor`
    says whether the credential that asked for it had proved a second factor; the token inherits it."""
    key = secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, prefix=key[:8], key_hash=hash_key(key), two_factor=two_factor)
    token.full_clean()
    token.save()
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> None:
    token.delete()
