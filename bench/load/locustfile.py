"""Locust users for bench/load.py: ward managers and policy leads open the ward dashboard (a few year
ranges) and the home page. Each account signs in once and its users share the session.
"""

from __future__ import annotations

import os
import random
import re

from gevent.lock import Semaphore
from locust import HttpUser, between, task

PASSWORD = os.environ.get("DEMO_PASSWORD", "margate-demo-2010")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
YEARS = [(2006, 2015), (2008, 2012), (2010, 2015)]
SIGN_IN = Semaphore()
SESSIONS: dict[str, dict[str, str]] = {}


class Staff(HttpUser):
    wait_time = between(1, 3)
    abstract = True
    username = ""

    def on_start(self) -> None:
        # One sign-in per account, its session shared by that account's users: otherwise the run measures
        # 50 password hashes at once (deliberately slow, about a CPU-second each), not the pages.
        with SIGN_IN:
            cookies = SESSIONS.get(self.username)
            if cookies is None:
                page = self.client.get("/sign-in/", name="sign-in form")
                token = CSRF.search(page.text)
                self.client.post(
                    "/sign-in/",
                    data={
                        "username": self.username,
                        "password": PASSWORD,
                        "csrfmiddlewaretoken": token.group(1) if token else "",
                    },
                    headers={"Referer": f"{self.host}/sign-in/"},
                    name="sign-in",
                )
                cookies = SESSIONS[self.username] = self.client.cookies.get_dict()
        self.client.cookies.update(cookies)


class Manager(Staff):
    weight = 3
    username = "wardmanager"

    @task(4)
    def dashboard(self) -> None:
        first, last = random.choice(YEARS)
        self.client.get(f"/dashboards/?from={first}&to={last}", name="/dashboards/")

    @task(1)
    def home(self) -> None:
        self.client.get("/", name="/")


class PolicyLead(Staff):
    weight = 2
    username = "policylead"

    @task(3)
    def dashboard(self) -> None:
        self.client.get("/dashboards/", name="/dashboards/")

    @task(1)
    def home(self) -> None:
        self.client.get("/", name="/")
