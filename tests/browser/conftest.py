"""Browser tests: Debian's chromium driven by Playwright against a real server holding a small demo.

The server is `manage.py runserver` in a subprocess on its own SQLite file under a temporary folder,
with two-factor sign-in on, as `make run` serves it. Every page a test visits is screenshotted under
test-artifacts/browser/ and checked with axe-core for WCAG 2.2 AA.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from binascii import unhexlify
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("TASKFORCE_CHROMIUM", "/usr/bin/chromium")
# Without the networking flags chromium keeps calling home, and this machine's closed network refuses it.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DEMO_HOUSEHOLDS = "200"
# A demo account left without a two-factor device, to walk through setting one up.
UNENROLLED = "caseworker.vcs"


def _why_not() -> str | None:
    if os.environ.get("TASKFORCE_REQUIRE_SERVICES"):
        return "browser tests run in the embedded phase of .ci/run, not against the services"
    if not Path(CHROMIUM).exists():
        return f"no chromium at {CHROMIUM} (apt-get install chromium; .ci/run installs it)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    browser_items = [item for item in items if "browser" in item.keywords]
    reason = _why_not() if browser_items else None
    if reason is None:
        return
    if os.environ.get("TASKFORCE_REQUIRE_BROWSER") and not os.environ.get("TASKFORCE_REQUIRE_SERVICES"):
        raise pytest.UsageError(
            f"TASKFORCE_REQUIRE_BROWSER is set but the browser tests cannot run: {reason}."
        )
    for item in browser_items:
        item.add_marker(pytest.mark.skip(reason=f"browser test: {reason}"))


@dataclass
class Site:
    url: str
    manage: list[str]
    env: dict[str, str]
    used_steps: dict[str, int] = field(default_factory=dict)

    def run(self, *args: str) -> str:
        done = subprocess.run(  # noqa: S603 - this interpreter and manage.py, fixed arguments
            [*self.manage, *args], env=self.env, cwd=ROOT, capture_output=True, text=True, timeout=300
        )
        if done.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def totp(self, username: str) -> str:
        """The next unused code of a demo account; the site accepts the next time step's code too."""
        from django_otp.oath import TOTP

        from demo.two_factor import demo_totp_key

        totp = TOTP(unhexlify(demo_totp_key(username)))
        step = max(totp.t(), self.used_steps.get(username, -1) + 1)
        while step > totp.t() + 1:
            time.sleep(1)
            totp.time = time.time()
        self.used_steps[username] = step
        totp.time = step * totp.step + 1
        return f"{totp.token():06d}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="package")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    var = tmp_path_factory.mktemp("site")
    env = {
        **os.environ,
        "DJANGO_DEBUG": "true",
        "TASKFORCE_VAR_DIR": str(var),
        "DATABASE_URL": f"sqlite:///{var}/site.sqlite3",
        "CELERY_BROKER_URL": "",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "TASKFORCE_REQUIRE_2FA": "true",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DJANGO_TEST_DATABASE_NAME", None)
    # The site runs as `make run` does: the dashboards' figures in the file cache under its folder, warmed by
    # the job that loading the demo queues (the suite's own settings keep a per-process cache, unwarmed).
    for name in ("CACHE_URL", "DASHBOARDS_WARM_AFTER_CHANGES"):
        env.pop(name, None)
    port = _free_port()
    site = Site(url=f"http://127.0.0.1:{port}", manage=[sys.executable, str(ROOT / "manage.py")], env=env)
    site.run("migrate", "--noinput")
    site.run("load_demo", "--households", DEMO_HOUSEHOLDS, "--no-progress")
    site.run(
        "shell",
        "-c",
        f"from django_otp.plugins.otp_totp.models import TOTPDevice; TOTPDevice.objects.filter(user__username='{UNENROLLED}').delete()",
    )
    log = (var / "server.log").open("w")
    server = subprocess.Popen(  # noqa: S603 - this interpreter and manage.py, fixed arguments
        [*site.manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{site.url}/health/", timeout=2) as answer:  # noqa: S310
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the test server did not start:\n{(var / 'server.log').read_text()}")
            time.sleep(0.3)
        yield site
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()
        shutil.copy(var / "server.log", _artifacts() / "server.log")


def _artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="package")
def browser() -> Iterator["Browser"]:
    from playwright.sync_api import sync_playwright

    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


class Pages:
    """One browser tab for one test, with the checks every page gets: a screenshot, axe, and CSP."""

    def __init__(self, page: "Page", site: Site, test_name: str) -> None:
        self.page = page
        self.site = site
        self.test_name = test_name
        self.csp_errors: list[str] = []
        self.checked: list[dict[str, object]] = []
        page.on(
            "console",
            lambda message: (
                self.csp_errors.append(message.text)
                if message.type == "error" and "Content Security Policy" in message.text
                else None
            ),
        )

    def goto(self, path: str) -> None:
        self.page.goto(self.site.url + path)

    def check(self, name: str) -> None:
        """Screenshot the page as it is, then fail on any WCAG 2.2 AA violation or blocked resource."""
        page = self.page
        page.wait_for_load_state("networkidle")
        page.screenshot(path=_artifacts() / f"{self.test_name}--{name}.png", full_page=True)
        if not page.evaluate("() => typeof window.axe === 'object'"):
            # Evaluated, not added as a <script>: the site's CSP rightly refuses inline scripts.
            page.evaluate(AXE.read_text() + "\n;true")
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
            WCAG_TAGS,
        )
        violations = result["violations"]
        self.checked.append({"page": name, "url": page.url, "violations": len(violations)})
        assert not violations, f"axe found WCAG 2.2 AA violations on {name} ({page.url}):\n" + describe(
            violations
        )
        assert not self.csp_errors, f"Content Security Policy blocked something on {name}:\n" + "\n".join(
            self.csp_errors
        )

    def artifact(self, name: str) -> Path:
        return _artifacts() / f"{self.test_name}--{name}"

    def click(self, name: str, role: str = "button") -> None:
        """Click a button or link that loads another page, and wait for that page."""
        with self.page.expect_navigation():
            self.page.get_by_role(role, name=name, exact=True).click()

    def sign_in(self, username: str, password: str | None = None) -> None:
        """Sign in as a person would, entering the current code when the account has two-factor sign-in."""
        from django.conf import settings

        page = self.page
        self.goto("/sign-in/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password or settings.DEMO_PASSWORD)
        self.click("Sign in")
        if "/two-factor/verify/" in page.url:
            page.get_by_label("Code from your authenticator app").fill(self.site.totp(username))
            self.click("Continue")


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}  {violation['helpUrl']}"
        )
        for node in violation["nodes"][:5]:
            lines.append(
                f"    at {' '.join(map(str, node['target']))}: {node.get('failureSummary', '').strip()}"
            )
            lines.append(f"       {node['html'][:200]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    ... and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


@pytest.fixture
def pages(browser: "Browser", site: Site, request: pytest.FixtureRequest) -> Iterator[Pages]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(30_000)  # two sites share two cores when `make test` runs two processes
    tab = Pages(page, site, request.node.name)
    try:
        yield tab
    finally:
        summary = _artifacts() / "axe-summary.jsonl"
        with summary.open("a") as out:
            for row in tab.checked:
                out.write(json.dumps({"test": request.node.name, **row}) + "\n")
        context.close()
