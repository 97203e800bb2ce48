"""The report page (with its charts), import, exports and administration in Chromium: they
look right (screenshots in test-results/screenshots) and axe-core finds no problem."""

import json
import zipfile

import pytest
from playwright.sync_api import expect

from safeguard.accounts.models import Role
from safeguard.exchange.importer import bundle_import
from tests.browser.test_sign_in_browser import _axe_violations, _shot, _sign_in
from tests.bundles import child, conference, plan, write_bundle
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _authority(folder):
    return write_bundle(
        folder,
        children=[child(f"C{n}", given_name="Amelia", family_name="Testchild") for n in range(6)],
        cp_plans=[plan(f"P{n}", f"C{n}", f"2022-0{n + 1}-10") for n in range(6)],
        conferences=[
            conference(
                f"I{n}",
                f"C{n}",
                "initial",
                f"2022-0{n + 1}-10",
                strategy_discussion_date=f"2022-0{n + 1}-01",
            )
            for n in range(6)
        ],
        escalations=[
            {
                "escalation_id": f"E{n}",
                "date_raised": f"2022-0{n + 4}-12",
                "organisation_type": ["GP's", "School", "Health Visitor"][n % 3],
                "reason": "no_report",
            }
            for n in range(5)
        ],
    )


def _check(page, live_server, path, name, problems):
    page.goto(live_server.url + path)
    _shot(page, name)
    violations = _axe_violations(page)
    if violations:
        problems[name] = violations


def test_the_report_exports_and_administration_pages_pass_axe(page, live_server, tmp_path):
    assert bundle_import(path=_authority(tmp_path / "authority"), by=None).ok
    manager = make_user(Role.MANAGER, username="manager.reports")
    _sign_in(page, live_server, manager)
    problems = {}
    period = "?start_month=4&start_year=2022&end_month=9&end_year=2022"
    _check(page, live_server, "/reports/" + period, "report", problems)
    charts = page.locator("svg[role=img]")
    assert charts.count() >= 4
    # The charts are drawn in colour under the CSP: the first line is the palette's navy.
    assert page.evaluate(
        "() => [...document.querySelectorAll('svg[role=img] path')]"
        ".some(p => getComputedStyle(p).stroke === 'rgb(31, 59, 99)')"
    )
    _check(page, live_server, "/reports/?start_month=4&start_year=2022&end_month=3", "report-error",
           problems)  # fmt: skip
    for name, path in [
        ("exports-manager", "/exports/"),
        ("administration", "/administration/"),
        ("organisation-types", "/administration/organisation-types/"),
        ("areas", "/administration/areas/"),
        ("chairs", "/administration/chairs/"),
        ("chair-add", "/administration/chairs/add/"),
        ("liaison-officers", "/administration/liaison-officers/"),
        ("liaison-officer-add", "/administration/liaison-officers/add/"),
        ("timeliness-rules", "/administration/timeliness-rules/"),
    ]:
        _check(page, live_server, path, name, problems)
    page.goto(live_server.url + "/administration/timeliness-rules/")
    page.get_by_role("button", name="Save and work out timeliness again").click()
    expect(page.get_by_text("conferences changed")).to_be_visible()
    _shot(page, "timeliness-rules-saved")
    assert problems == {}, json.dumps(problems, indent=1)


def test_business_support_check_and_import_a_bundle(page, live_server, tmp_path):
    support = make_user(Role.BUSINESS_SUPPORT, username="support.import")
    _sign_in(page, live_server, support)
    problems = {}
    _check(page, live_server, "/import/", "import", problems)

    broken = tmp_path / "broken.zip"
    folder = write_bundle(
        tmp_path / "broken",
        children=[child("C1", date_of_birth="2015-13-01"), child("C1")],
        cp_plans=[plan("P1", "NOBODY", "2022-01-10")],
    )
    with zipfile.ZipFile(broken, "w") as archive:
        for path in folder.iterdir():
            archive.write(path, path.name)
    page.set_input_files("#id_bundle", str(broken))
    page.get_by_role("button", name="Check the bundle").click()
    expect(page.get_by_role("heading", name="The bundle cannot be imported")).to_be_visible()
    _shot(page, "import-problems")
    if violations := _axe_violations(page):
        problems["import-problems"] = violations

    good = tmp_path / "good.zip"
    folder = _authority(tmp_path / "good")
    with zipfile.ZipFile(good, "w") as archive:
        for path in folder.iterdir():
            archive.write(path, path.name)
    page.set_input_files("#id_bundle", str(good))
    page.get_by_role("button", name="Check the bundle").click()
    expect(page.get_by_role("heading", name="Check what the import would change")).to_be_visible()
    _shot(page, "import-check")
    if violations := _axe_violations(page):
        problems["import-check"] = violations
    page.get_by_role("button", name="Confirm and import").click()
    expect(page.get_by_role("heading", name="Bundle imported")).to_be_visible()
    _shot(page, "import-done")
    if violations := _axe_violations(page):
        problems["import-done"] = violations
    _check(page, live_server, "/exports/", "exports-support", problems)
    assert problems == {}, json.dumps(problems, indent=1)
