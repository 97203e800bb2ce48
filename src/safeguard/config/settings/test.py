import os

# A fixed key for the tests only: published here, so production refuses it (tests/config). Given
# to the local settings while they load, so that they make no key file in the data folder.
TEST_SECRET_KEY = "tests-only-published-in-the-source-never-for-an-installation-0001"  # noqa: S105
_lent = "SAFEGUARD_SECRET_KEY" not in os.environ
if _lent:
    os.environ["SAFEGUARD_SECRET_KEY"] = TEST_SECRET_KEY
try:
    from .local import *  # noqa: F403
finally:
    if _lent:
        del os.environ["SAFEGUARD_SECRET_KEY"]

SECRET_KEY = TEST_SECRET_KEY
# Under pytest-xdist each process keeps its own files (uploads, the error log, the audit's copies
# set aside before a restore), so that two tests never write the same file at once.
if _worker := os.environ.get("PYTEST_XDIST_WORKER"):
    DATA_DIR = DATA_DIR / _worker  # noqa: F405
    DATA_DIR.mkdir(parents=True, exist_ok=True)
# Tests that need an installation's own pseudonym key blank this and point DATA_DIR elsewhere.
SAFEGUARD_PSEUDONYM_KEY = "tests-only-pseudonym-key"

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only, tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_ENABLED = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True  # no collectstatic for tests; serve from the finders
SAFEGUARD_CLI_MIGRATES = False  # pytest-django has built the test database
