"""manage.py demo_totp USERNAME: the current two-factor code of a demo account, for testers without an app."""

from binascii import unhexlify
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from demo.models import DemoDataset
from demo.two_factor import demo_totp_key, demo_two_factor_usernames


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo account (works only on a database holding the demo)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username", help="A demo account, for example caseworker.")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        if not DemoDataset.objects.exists():
            raise CommandError("This database does not hold the demo, so it has no demo two-factor secrets.")
        if username not in demo_two_factor_usernames():
            raise CommandError(
                f"{username!r} is not a demo account that uses two-factor sign-in; "
                f"choose one of {', '.join(demo_two_factor_usernames())}."
            )
        # Only the published demo secret is used: a device whose secret was changed is never read out.
        device = TOTPDevice.objects.filter(
            user__username=username, confirmed=True, key=demo_totp_key(username)
        ).first()
        if device is None:
            raise CommandError(f"{username} has no two-factor device with the demo secret.")
        totp = TOTP(unhexlify(device.key), device.step, device.t0, device.digits, device.drift)
        remaining = device.step - int(totp.time - device.t0) % device.step
        self.stdout.write(f"{totp.token():0{device.digits}d}")
        self.stderr.write(f"(valid for about {remaining} more seconds; each code can be used once)")
