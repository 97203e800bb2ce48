"""Settings for benchmark runs: the local settings, with the database from DATABASE_URL (which
bench.run always sets), plain static files (no collectstatic before a run) and fast hashing for
the one benchmark user."""

from safeguard.config.settings.local import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
