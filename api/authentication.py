"""Bearer tokens for the API: `Authorization: Token <key>`. Only the key's SHA-256 is stored."""

from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from taskforce.org.models import ApiToken
from taskforce.org.services import hash_key
from taskforce.org.two_factor import requires_two_factor

if TYPE_CHECKING:
    from drf_spectacular.openapi import AutoSchema

KEYWORD = "Token"


class TokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[AbstractBaseUser, ApiToken] | None:
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Give the token as 'Authorization: Token <key>'.")
        try:
            key = parts[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed("The token contains characters a token never has.") from exc
        token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("The token is not valid: it was revoked, or never existed.")
        if not token.two_factor and requires_two_factor(token.user):
            # A token is only as strong as the sign-in that made it: a password alone must not become a
            # lasting credential for a role that has to prove a second factor.
            raise exceptions.AuthenticationFailed(
                "Your role must use two-factor sign-in, and this token was made without it: sign in with "
                "two-factor and make a new token."
            )
        # Marked at most once a minute, so a busy script does not write on every request.
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return KEYWORD


def proved_second_factor(request: Request) -> bool:
    """Whether the credential behind `request` proved a second factor: a session verified with a one-time
    code, or a token made by one."""
    if isinstance(request.auth, ApiToken):
        return request.auth.two_factor
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: "AutoSchema") -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>`: create a key at POST /api/v1/tokens/.",
        }
