"""The load test's people: chairs, business support and managers signing in with two factors,
browsing the worklist, finding children and opening their records, recording conferences and
escalations through the pages, and downloading the report.

Run by loadtest/run.sh, which creates the accounts (LOADTEST_ACCOUNTS, a JSON file) and reads
back LOADTEST_WRITES (one JSON line per record a person saved) to check that every one of them
is in the database, whole. Only ever aimed at 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import itertools
import json
import os
import random
import re
import struct
import threading
import time
import uuid
from html.parser import HTMLParser

from locust import HttpUser, between, events, task

ACCOUNTS = json.loads(open(os.environ["LOADTEST_ACCOUNTS"], encoding="utf-8").read())  # noqa: SIM115
WRITES = os.environ["LOADTEST_WRITES"]
TIMINGS = os.environ.get("LOADTEST_TIMINGS")
_timings: list[tuple[str, float, bool]] = []
_next_account = itertools.count()
_writes_lock = threading.Lock()


@events.test_start.add_listener
def _only_loopback(environment, **kwargs):
    host = environment.host or ""
    if not re.match(r"^http://(127\.0\.0\.1|localhost)(:\d+)?/?$", host):
        raise SystemExit(f"the load test only runs against loopback, not {host}")


@events.request.add_listener
def _timed(request_type, name, response_time, exception, **kwargs):
    _timings.append((f"{request_type} {name}", response_time, exception is not None))


@events.test_stop.add_listener
def _write_timings(environment, **kwargs):
    if TIMINGS:
        with open(TIMINGS, "w", encoding="utf-8") as handle:
            json.dump(_timings, handle)


def totp(key_hex: str, *, step: int = 30, digits: int = 6) -> str:
    """RFC 6238, as django-otp's TOTPDevice checks it (SHA-1, 30 s, 6 digits, t0 = 0)."""
    counter = int(time.time()) // step
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 10**digits:0{digits}d}"


class _Forms(HTMLParser):
    """Each POST form of a page: its values as shown, and the options of its choices."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = {"values": {}, "choices": {}}
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = a.get("name")
        values, choices = self._form["values"], self._form["choices"]
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("radio", "checkbox"):
                choices.setdefault(name, []).append(a.get("value") or "on")
                if "checked" in a:
                    values[name] = a.get("value") or "on"
            elif kind not in ("submit", "button", "file"):
                values[name] = a.get("value") or ""
        elif tag == "select" and name:
            self._select = name
            values.setdefault(name, "")
        elif tag == "option" and self._select:
            choices.setdefault(self._select, []).append(a.get("value") or "")
            if "selected" in a:
                values[self._select] = a.get("value") or ""
        elif tag == "textarea" and name:
            values[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "form":
            self._form = None


def page_form(html: str, field: str) -> tuple[dict, dict]:
    """The values and choices of the page's POST form that has `field`."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        if field in form["values"] or field in form["choices"]:
            return dict(form["values"]), form["choices"]
    raise LookupError(f"no form with {field}")


def record_write(entry: dict) -> None:
    with _writes_lock, open(WRITES, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry) + "\n")


class Person(HttpUser):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.account = ACCOUNTS["people"][next(_next_account) % len(ACCOUNTS["people"])]
        self.children = ACCOUNTS["children"]
        self.rng = random.Random(self.account["username"])
        self.sign_in()

    # -- signing in -------------------------------------------------------------------------

    def _csrf(self, path: str, name: str) -> str:
        page = self.client.get(path, name=name).text
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        return found.group(1) if found else ""

    def sign_in(self) -> None:
        token = self._csrf("/sign-in/", "/sign-in/")
        self.client.post(
            "/sign-in/",
            {
                "csrfmiddlewaretoken": token,
                "username": self.account["username"],
                "password": self.account["password"],
            },
            name="/sign-in/ [password]",
        )
        token = self._csrf("/sign-in/code/", "/sign-in/code/")
        with self.client.post(
            "/sign-in/code/",
            {"csrfmiddlewaretoken": token, "code": totp(self.account["totp_key"])},
            name="/sign-in/code/ [code]",
            catch_response=True,
        ) as response:
            if "/sign-in" in response.url:
                response.failure("two-factor sign-in refused")

    # -- browsing ---------------------------------------------------------------------------

    @task(6)
    def worklist(self) -> None:
        self.client.get("/worklist/", name="/worklist/")

    @task(4)
    def find_a_child(self) -> None:
        child_id = self.rng.choice(self.children)
        self.client.get(f"/children/?q={child_id[:4]}", name="/children/?q=")

    @task(8)
    def child_record(self) -> None:
        child_id = self.rng.choice(self.children)
        self.client.get(f"/children/{child_id}/", name="/children/[id]/")

    @task(3)
    def escalations_log(self) -> None:
        if self.account["role"] in ("chair", "manager"):
            self.client.get("/escalations/", name="/escalations/")

    # -- recording --------------------------------------------------------------------------

    @task(2)
    def record_a_conference(self) -> None:
        page = self.client.get("/conferences/record/", name="/conferences/record/").text
        values, choices = page_form(page, "children")
        child_id = self.rng.choice(self.children)
        held_on = dt.date.today() - dt.timedelta(days=self.rng.randint(1, 3 * 365))
        marker = f"loadtest {uuid.uuid4().hex}"
        values.update(
            {
                "children": child_id,
                "kind": "review",
                "outcome": "plan",
                "held_on_day": str(held_on.day),
                "held_on_month": str(held_on.month),
                "held_on_year": str(held_on.year),
                "out_of_timescale_reason": marker,
            }
        )
        chairs = [c for c in choices.get("chair", []) if c]
        if chairs:
            values["chair"] = self.rng.choice(chairs)
        with self.client.post(
            "/conferences/record/", values, name="/conferences/record/ [save]", catch_response=True
        ) as response:
            found = re.search(r"/meetings/([^/]+)/$", response.url or "")
            if found:
                record_write(
                    {
                        "kind": "conference",
                        "child_id": child_id,
                        "held_on": held_on.isoformat(),
                        "meeting": found.group(1),
                        "marker": marker,
                        "chair": values.get("chair", ""),
                        "by": self.account["username"],
                    }
                )
            elif "already recorded" in response.text:
                response.success()  # a real duplicate, refused as it should be; nothing written
            else:
                response.failure("the conference was not saved")

    @task(2)
    def raise_an_escalation(self) -> None:
        if self.account["role"] not in ("chair", "manager"):
            return
        page = self.client.get("/escalations/raise/", name="/escalations/raise/").text
        values, choices = page_form(page, "reason")
        raised_on = dt.date.today() - dt.timedelta(days=self.rng.randint(0, 365))
        marker = f"loadtest {uuid.uuid4().hex[:20]}"
        values.update(
            {
                "raised_on_day": str(raised_on.day),
                "raised_on_month": str(raised_on.month),
                "raised_on_year": str(raised_on.year),
                "organisation_name": marker,
                "organisation_type": self.rng.choice(
                    [c for c in choices["organisation_type"] if c]
                ),
                "reason": self.rng.choice([c for c in choices["reason"] if c]),
                "formal": "True" if "True" in choices.get("formal", []) else choices["formal"][0],
            }
        )
        if choices.get("stage"):
            values["stage"] = next((c for c in choices["stage"] if c), "")
        with self.client.post(
            "/escalations/raise/", values, name="/escalations/raise/ [save]", catch_response=True
        ) as response:
            found = re.search(r"/escalations/([^/]+)/$", response.url or "")
            if found and found.group(1) != "raise":
                record_write(
                    {
                        "kind": "escalation",
                        "escalation_id": found.group(1),
                        "raised_on": raised_on.isoformat(),
                        "organisation_name": marker,
                        "organisation_type": values["organisation_type"],
                        "reason": values["reason"],
                        "by": self.account["username"],
                    }
                )
            else:
                response.failure("the escalation was not saved")

    # -- the report -------------------------------------------------------------------------

    @task(1)
    def download_the_report(self) -> None:
        if self.account["role"] != "manager":
            return
        page = self.client.get("/reports/", name="/reports/").text
        links = re.findall(r'href="(/reports/download/(json|xlsx|docx)/[^"]*)"', page)
        if links:
            href, fmt = self.rng.choice(links)
            self.client.get(href.replace("&amp;", "&"), name=f"/reports/download/{fmt}/")
