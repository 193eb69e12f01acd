"""The demo accounts' two-factor secrets: fixed and published, so a tester can add them to an app."""

import hashlib
from base64 import b32encode
from binascii import unhexlify

from taskforce.org.models import StaffProfile

from .staff import DEMO_STAFF


def demo_totp_key(username: str) -> str:
    """A fixed, published secret (hex) for a demo account, so a tester can add it to an authenticator app."""
    return hashlib.sha256(f"margate-demo-totp:{username}".encode()).hexdigest()[:40]


def demo_base32_secret(username: str) -> str:
    return b32encode(unhexlify(demo_totp_key(username))).decode()


def demo_two_factor_usernames() -> list[str]:
    """Demo accounts that must use two-factor sign-in: the personal-data roles and the administrator."""
    return [
        name for name, _first, _last, role, _agency in DEMO_STAFF if role in StaffProfile.PERSONAL_DATA_ROLES
    ] + ["admin"]
