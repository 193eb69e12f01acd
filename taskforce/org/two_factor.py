"""Two-factor sign-in: who must use it and their authenticator device."""

from base64 import b32encode
from binascii import unhexlify

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import StaffProfile

DEVICE_NAME = "Authenticator app"


def requires_two_factor(user: User | AnonymousUser) -> bool:
    """Whether this account must prove a second factor: roles that see named people, and administrators."""
    if not settings.TASKFORCE_REQUIRE_2FA or not user.is_authenticated:
        return False
    if getattr(user, "is_staff", False):
        return True
    return StaffProfile.objects.filter(user=user, role__in=StaffProfile.PERSONAL_DATA_ROLES).exists()


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


@transaction.atomic
def totp_device_start_enrolment(*, user: User) -> TOTPDevice:
    """The unconfirmed device being set up for this user, made with a fresh random secret if there is none."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    if device is None:
        device = TOTPDevice(user=user, name=DEVICE_NAME, confirmed=False)
        device.full_clean()
        device.save()
    return device


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice) -> None:
    """Confirm a device once its first code has been verified; the user's other devices are removed."""
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])


def base32_secret(device: TOTPDevice) -> str:
    """The secret as an authenticator app asks for it when typed in by hand."""
    return b32encode(unhexlify(device.key)).decode()


def qr_code_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG, so the page needs no image URL and no script."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=16, border=4)
    svg = image.to_string(encoding="unicode")
    # The SVG carries the secret: it is drawn in the page, never cached as a file.
    return svg.replace("<svg ", '<svg role="img" aria-label="QR code for your authenticator app" ', 1)
