"""The interactive API docs load from this site only and run no inline script (the CSP would block it)."""

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_api_docs_page_runs_no_inline_script(client: Client, policy_lead) -> None:  # type: ignore[no-untyped-def]
    client.force_login(policy_lead.user)
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts
    assert all(body.strip() == "" and "src=" in attrs for attrs, body in scripts), scripts
    assert "cdn" not in html.lower()
    start_up = re.search(r'src="([^"]*\?script=[^"]*)"', html)
    assert start_up
    assert client.get(start_up.group(1).replace("&amp;", "&")).status_code == 200
