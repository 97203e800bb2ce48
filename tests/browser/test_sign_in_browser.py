"""Signing in through the real forms in Chromium, with a real TOTP code; and axe-core finds no
accessibility problem on the sign-in pages and the pages built on them."""

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from safeguard.accounts.models import Role
from safeguard.accounts.services import user_create
from safeguard.audit.models import AuditAction, AuditEntry
from tests.factories import PASSWORD, make_child, make_plan, make_user, totp_code, totp_device_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-results" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.2 A and AA, and axe's best practices (every content in a landmark, one h1, ...).
AXE_RULE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _axe_violations(page) -> list[dict]:
    if not AXE.exists():
        pytest.skip("node_modules/axe-core is missing: run scripts/build_frontend.sh")
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(content=AXE.read_text())
    # Only the violations in full: axe-core then skips detailing every node that passes (a
    # fifth of its time on a long page such as the report's); what it checks is the same.
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        AXE_RULE_TAGS,
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
    ]


def _sign_in(page, live_server, user) -> None:
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Code").fill(totp_code(totp_device_of(user)))
    page.get_by_role("button", name="Sign in").click()


def test_a_chair_signs_in_with_password_and_a_real_totp_code(page, live_server):
    user = make_user(Role.CHAIR, username="chair.browser")
    page.goto(f"{live_server.url}/")
    assert "/sign-in/" in page.url  # anonymous: sent to sign in
    assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
    _shot(page, "sign-in")
    violations = _axe_violations(page)
    assert violations == [], json.dumps(violations, indent=1)

    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    assert page.url.endswith("/sign-in/code/")
    _shot(page, "sign-in-code")
    assert _axe_violations(page) == []
    page.get_by_label("Code").fill(totp_code(totp_device_of(user)))
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Worklist", exact=True)).to_be_visible()
    expect(page.get_by_text("Signed in as chair.browser")).to_be_visible()
    _shot(page, "home-chair")
    assert AuditEntry.objects.filter(action=AuditAction.SIGN_IN, actor=user).exists()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out")).to_be_visible()
    assert "/sign-in/" in page.url


def test_a_wrong_password_shows_the_error_summary(page, live_server):
    make_user(Role.CHAIR, username="typo")
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill("typo")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    _shot(page, "sign-in-error")
    assert _axe_violations(page) == []


def test_enrolment_and_the_managers_pages_look_right_and_pass_axe(page, live_server):
    _, link = user_create(username="new.starter", role=Role.BUSINESS_SUPPORT)
    page.goto(live_server.url + link.split("8000", 1)[1])  # the script POSTs the code
    page.wait_for_url("**/enrol/set-up/")
    assert "#" not in page.url  # and takes it out of the address bar and history
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    _shot(page, "enrol")
    assert _axe_violations(page) == []

    child = make_child(child_id="C-BROWSER")
    make_plan(child=child)
    manager = make_user(Role.MANAGER, username="manager.browser", first_name="Mo", last_name="Hart")
    _sign_in(page, live_server, manager)
    problems = {}
    for name, path in [
        ("home-manager", "/"),
        ("users", "/users/"),
        ("user-add", "/users/add/"),
        ("user-edit", f"/users/{manager.pk}/edit/"),
        ("audit", "/audit/"),
        ("child", "/children/C-BROWSER/"),
        ("account", "/account/"),
        ("not-found", "/children/NO-SUCH/"),
    ]:
        page.goto(live_server.url + path)
        _shot(page, name)
        violations = _axe_violations(page)
        if violations:
            problems[name] = violations
    page.goto(live_server.url + "/users/add/")
    page.get_by_role("button", name="Add user").click()
    _shot(page, "user-add-errors")
    assert problems == {}, json.dumps(problems, indent=1)
