"""Production settings: refuse to start without a secret key, allowed hosts and HTTPS."""

import os

from django.core.exceptions import ImproperlyConfigured

from safeguard.config.installation import published_in_source

from .base import *  # noqa: F403

SECRET_KEY = os.environ.get("SAFEGUARD_SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "SAFEGUARD_SECRET_KEY must be set to a random value of at least 50 characters."
    )
if published_in_source(SECRET_KEY):
    raise ImproperlyConfigured(
        "SAFEGUARD_SECRET_KEY is a key published in Safeguard's source: anybody could sign "
        "sessions and enrolment links with it. Set a random value of your own: "
        "python3 -c 'import secrets; print(secrets.token_urlsafe(60))'"
    )
if SAFEGUARD_PSEUDONYM_KEY and (  # noqa: F405
    SAFEGUARD_PSEUDONYM_KEY == SECRET_KEY or published_in_source(SAFEGUARD_PSEUDONYM_KEY)  # noqa: F405
):
    raise ImproperlyConfigured(
        "SAFEGUARD_PSEUDONYM_KEY must be a random value of its own, not the secret key and not "
        "one published in Safeguard's source (or leave it unset: each installation then makes "
        "its own, kept in SAFEGUARD_DATA_DIR/pseudonym-key)."
    )
if os.environ.get("SAFEGUARD_DEBUG"):
    raise ImproperlyConfigured("DEBUG cannot be switched on in production.")
DEBUG = False
SAFEGUARD_DEMO_ALLOWED = False  # `safeguard demo` refuses, besides refusing any real record
if not ALLOWED_HOSTS:  # noqa: F405
    raise ImproperlyConfigured("SAFEGUARD_ALLOWED_HOSTS must name the host(s) served.")

SECURE_SSL_REDIRECT = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
