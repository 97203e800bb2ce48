"""The idle time-out's warning in Chromium, with a shortened time-out, on a desktop (1280 px) and
a phone (390 px): the dialog opens before the session ends, takes focus and passes axe-core;
"Stay signed in" keeps the session without a reload. Left unanswered (on a phone), the page signs
out, and signing in again comes back to it saying which fields' changes were lost. Screenshots:
test-results/screenshots/timeout-*.png."""

import json

import pytest
from django.test import Client
from playwright.sync_api import expect

from safeguard.accounts.models import Role
from tests.browser.test_sign_in_browser import _axe_violations, _shot
from tests.factories import PASSWORD, make_user, sign_in, totp_code, totp_device_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The dialog opens 8 s after the page loads; "Stay signed in" then moves the end 12 s on, so
# 4.5 s after it the first session's end has passed and the next warning is still 3 s away.
IDLE_SECONDS = 12
WARNING_SECONDS = 4
# Left unanswered, only the end matters: the page signs out 8 s after it loads.
UNANSWERED_IDLE_SECONDS = 8


def _signed_in_at(page, live_server, path: str, *, width: int):
    user = make_user(Role.BUSINESS_SUPPORT, username="timeout.bs")
    client = sign_in(Client(), user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.set_viewport_size({"width": width, "height": 844})
    page.goto(f"{live_server.url}{path}")
    return user


@pytest.mark.parametrize("width", [1280, 390], ids=lambda width: f"{width}px")
def test_the_warning_appears_and_stay_signed_in_keeps_the_session(
    page, live_server, settings, width
):
    settings.SESSION_COOKIE_AGE = IDLE_SECONDS
    settings.SAFEGUARD_SESSION_WARNING_SECONDS = WARNING_SECONDS
    _signed_in_at(page, live_server, "/children/add/", width=width)
    dialog = page.get_by_role("dialog", name="You’re about to be signed out")
    expect(dialog).to_be_hidden()

    dialog.wait_for(state="visible", timeout=(IDLE_SECONDS - WARNING_SECONDS + 2) * 1000)
    expect(page.locator("#session-timeout-title")).to_be_focused()
    expect(page.locator(".safeguard-timeout__announce")).to_contain_text("We will sign you out in")
    _shot(page, f"timeout-warning-{width}")
    violations = _axe_violations(page)
    assert violations == [], json.dumps(violations, indent=1)
    sideways = page.evaluate("document.documentElement.scrollWidth > innerWidth")
    assert not sideways, "the dialog widens the page"

    dialog.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()
    assert page.url.endswith("/children/add/")  # no reload
    page.wait_for_timeout(WARNING_SECONDS * 1000 + 500)  # past the first session's end
    expect(dialog).to_be_hidden()
    page.reload()
    assert page.url.endswith("/children/add/"), "Stay signed in did not keep the session"


def test_left_unanswered_the_page_signs_out_and_comes_back_after_signing_in(
    page, live_server, settings
):
    settings.SESSION_COOKIE_AGE = UNANSWERED_IDLE_SECONDS
    settings.SAFEGUARD_SESSION_WARNING_SECONDS = WARNING_SECONDS
    user = _signed_in_at(page, live_server, "/children/add/", width=390)
    page.get_by_label("Child id").fill("TIMEOUT-1")
    page.get_by_label("Given name").fill("Someone")
    page.wait_for_url("**/sign-in/?next=*", timeout=(UNANSWERED_IDLE_SECONDS + 3) * 1000)
    _shot(page, "timeout-signed-out-390")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Code").fill(totp_code(totp_device_of(user)))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/children/add/")
    banner = page.locator(".govuk-notification-banner")
    expect(banner).to_contain_text("what you had entered was not saved (Child id, Given name)")
    _shot(page, "timeout-back-on-the-page-390")
