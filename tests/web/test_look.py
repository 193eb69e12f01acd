"""The look and its security: GOV.UK Frontend served from this site, a strict Content Security Policy, and
no inline script but GOV.UK Frontend's one-line snippet, which the policy allows by its hash."""

import base64
import hashlib
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

from taskforce.org.models import StaffProfile

from .conftest import signed_in

pytestmark = pytest.mark.django_db

SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.DOTALL)


def pages(mine: dict[str, int]) -> list[str]:
    household = mine["household"]
    return [
        "/",
        "/households/",
        "/households/?q=Shown",
        f"/households/{household}/",
        f"/households/{household}/history/",
        f"/households/{household}/members/new/",
        f"/households/{household}/interventions/new/",
        "/households/new/",
    ]


def test_the_snippet_hash_in_the_policy_is_the_hash_of_the_snippet() -> None:
    digest = base64.b64encode(hashlib.sha256(settings.GOVUK_JS_ENABLED_SNIPPET.encode()).digest()).decode()
    assert f"'sha256-{digest}'" == settings.GOVUK_JS_ENABLED_SNIPPET_HASH


def test_every_page_sends_a_strict_content_security_policy(
    client: Client, caseworker: StaffProfile, mine: dict[str, int]
) -> None:
    client = signed_in(client, caseworker)
    for url in [*pages(mine), "/sign-in/"]:
        policy = client.get(url)["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
        assert directives["default-src"] == "'self'", url
        assert directives["script-src"] == f"'self' {settings.GOVUK_JS_ENABLED_SNIPPET_HASH}", url
        assert "unsafe-inline" not in policy
        assert directives["frame-ancestors"] == "'none'"


def test_pages_hold_no_inline_script_but_the_hashed_snippet(
    client: Client, caseworker: StaffProfile, mine: dict[str, int]
) -> None:
    client = signed_in(client, caseworker)
    for url in pages(mine):
        html = client.get(url).content.decode()
        inline = [body for attrs, body in SCRIPT.findall(html) if "src=" not in attrs]
        assert inline == [settings.GOVUK_JS_ENABLED_SNIPPET], url
        assert not re.search(r"\son[a-z]+=", html), f"inline event handler on {url}"
        assert "style=" not in html, f"inline style on {url}"


def test_layout_is_govuk_without_govuk_branding(client: Client, caseworker: StaffProfile) -> None:
    html = signed_in(client, caseworker).get("/").content.decode()
    assert 'class="govuk-skip-link"' in html
    assert "govuk-generic-header" in html
    assert "govuk-header__logotype" not in html  # no crown
    assert 'href="/households/"' in html
    assert 'href="/static/vendor/taskforce.min.css"' in html
    assert 'type="module" src="/static/taskforce/init.js"' in html


def test_built_assets_are_committed_and_carry_no_gds_transport_font() -> None:
    css = Path(finders.find("vendor/taskforce.min.css")).read_text()
    assert ".govuk-generic-header" in css
    assert ".moj-timeline" in css
    assert ".govuk-date-input" in css
    assert "GDS Transport" not in css
    assert ".woff" not in css
    assert "govuk-crest" not in css
    for url in re.findall(r"url\(\"?([^\")]+)\"?\)", css):
        if url != "none":
            assert finders.find(f"vendor/{url}"), url
    assert finders.find("vendor/govuk-frontend.min.js")


@pytest.mark.parametrize(
    ("persona", "links", "absent"),
    [
        ("caseworker", ["/households/", "/households/new/"], ["/properties/", "/evidence/"]),
        ("housing_officer", ["/properties/"], ["/households/", "/evidence/"]),
        (
            "ward_manager",
            ["/households/", "/properties/", "/dashboards/", "/evidence/"],
            ["/households/new/"],
        ),
        ("policy_lead", ["/dashboards/", "/evidence/"], ["/households/", "/properties/"]),
        ("data_protection_officer", [], ["/households/", "/properties/", "/dashboards/"]),
    ],
)
def test_home_page_offers_each_role_its_sections(
    client: Client, persona: str, links: list[str], absent: list[str], request: pytest.FixtureRequest
) -> None:
    html = signed_in(client, request.getfixturevalue(persona)).get("/").content.decode()
    for link in links:
        assert f'href="{link}"' in html, link
    for link in absent:
        assert f'href="{link}"' not in html, link
