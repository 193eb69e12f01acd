"""The demo's two-factor accounts: known secrets printed for testers, and the current code on request."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from demo.two_factor import demo_base32_secret


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_demo_prints_known_secrets_and_demo_totp_gives_a_code_the_site_accepts() -> None:
    out = StringIO()
    call_command("load_demo", "--seed", "4", "--households", "20", "--no-progress", stdout=out)
    for username in ("caseworker", "housing", "wardmanager", "dpo", "admin"):
        assert demo_base32_secret(username) in out.getvalue()
        assert TOTPDevice.objects.get(user__username=username).confirmed
    assert not TOTPDevice.objects.filter(user__username="policylead").exists()

    code = StringIO()
    call_command("demo_totp", "caseworker", stdout=code, stderr=StringIO())
    token = code.getvalue().strip()
    assert len(token) == 6
    assert TOTPDevice.objects.get(user__username="caseworker").verify_token(token)

    with pytest.raises(CommandError, match="not a demo account"):
        call_command("demo_totp", "policylead")


@pytest.mark.django_db
def test_demo_totp_refuses_a_database_without_the_demo() -> None:
    with pytest.raises(CommandError, match="does not hold the demo"):
        call_command("demo_totp", "caseworker")
