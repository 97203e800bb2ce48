"""HTTP hardening: security headers, a CSP without unsafe-inline, no inline script or style,
error pages without personal data, production settings that refuse to start unsafely and pass
`check --deploy`, and logs without request data."""

import logging
import os
import re
import secrets
import subprocess
import sys

import pytest
from django.test import Client

from tests.factories import make_child


def _production_env(**overrides):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "safeguard.config.settings.production",
        "SAFEGUARD_SECRET_KEY": secrets.token_urlsafe(60),
        "SAFEGUARD_ALLOWED_HOSTS": "example.org",
        "SAFEGUARD_DATA_DIR": "/tmp/safeguard-check-deploy",
    }
    env.pop("SAFEGUARD_DEBUG", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests only
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def _django(*args, env):
    return subprocess.run(
        [sys.executable, "-m", "django", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_deploy_is_clean_with_the_production_settings():
    result = _django("check", "--deploy", "--fail-level", "WARNING", env=_production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "overrides, complaint",
    [
        ({"SAFEGUARD_SECRET_KEY": None}, "SAFEGUARD_SECRET_KEY"),
        ({"SAFEGUARD_SECRET_KEY": "too-short"}, "SAFEGUARD_SECRET_KEY"),
        ({"SAFEGUARD_DEBUG": "1"}, "DEBUG"),
        ({"SAFEGUARD_ALLOWED_HOSTS": None}, "SAFEGUARD_ALLOWED_HOSTS"),
    ],
)
def test_production_settings_refuse_to_start(overrides, complaint):
    result = _django("check", env=_production_env(**overrides))
    assert result.returncode != 0
    assert complaint in result.stderr


@pytest.mark.django_db
def test_pages_carry_the_security_headers(signed_in_client):
    response = signed_in_client("manager").get("/")
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_http_only_and_end_after_30_minutes_idle(settings):
    response = Client().get("/sign-in/")
    assert response.cookies["csrftoken"]["httponly"]
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST


def test_production_cookies_are_secure_and_hsts_is_on():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings as s; import django; django.setup();"
            "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS,"
            " s.SECURE_SSL_REDIRECT, s.DEBUG)",
        ],
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["True", "True", "31536000", "True", "False"], result.stderr


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style|\sstyle=", re.I)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/sign-in/", "/", "/users/", "/audit/", "/account/", "/nope/"])
def test_pages_have_no_inline_script_or_style(path, signed_in_client):
    html = signed_in_client("manager").get(path).content.decode()
    assert not INLINE_SCRIPT.search(html)
    assert not INLINE_STYLE.search(html)


@pytest.mark.django_db
def test_error_pages_show_no_personal_data_or_trace(signed_in_client):
    make_child(child_id="C-ERR", given_name="Zebedee", family_name="Quartermaine")
    response = signed_in_client("analyst").get("/children/C-ERR/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "Zebedee" not in html and "Quartermaine" not in html and "Traceback" not in html


@pytest.mark.django_db
def test_a_server_error_shows_the_plain_500_page(signed_in_client, monkeypatch):
    from safeguard.web import views

    def broken(*args, **kwargs):
        raise RuntimeError("Zebedee Quartermaine born 2015-06-14")

    monkeypatch.setattr(views, "render", broken)
    client = signed_in_client("manager")
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "problem with the service" in html and "Zebedee" not in html


def test_logs_drop_the_request_and_withhold_exception_messages():
    from safeguard.web.log_filters import DropRequestDataFilter, RedactingFormatter

    name = "Zeb" + "edee"  # so that the traceback's source line does not hold it
    try:
        raise ValueError(f"Key (given_name)=({name}) already exists")
    except ValueError:
        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "django.request",
        logging.ERROR,
        __file__,
        1,
        "Internal Server Error: %s",
        ("/audit/?child_id=C1&user=2",),
        exc_info,
    )
    record.request = object()
    assert DropRequestDataFilter().filter(record)
    text = RedactingFormatter("%(message)s").format(record)
    assert record.request is None
    assert "Zebedee" not in text and "child_id=C1" not in text
    assert "ValueError: (message withheld)" in text
