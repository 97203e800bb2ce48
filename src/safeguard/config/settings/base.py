"""Settings shared by every Safeguard installation.

Environment variables (all optional here; production.py requires some):
- DATABASE_URL: ``sqlite:///PATH`` or ``postgresql://USER@HOST:PORT/NAME``.
  Without it, a SQLite file ``safeguard.sqlite3`` in SAFEGUARD_DATA_DIR.
- SAFEGUARD_DATA_DIR: where the embedded database and generated files live
  (default ``./data``), created on first use.
- SAFEGUARD_AUTHORITY_NAME: shown on reports and pages.
- SAFEGUARD_NATION: england (default), wales, scotland, northern_ireland.
- SAFEGUARD_COMPARATORS_CSV: the region's and statistical neighbours' published figures, shown
  beside England's in the report (docs/report-figures.md).
- SAFEGUARD_SESSION_IDLE_MINUTES: the idle time-out (default 30).
"""

import os
from pathlib import Path

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = Path(os.environ.get("SAFEGUARD_DATA_DIR", "data")).resolve()


def _database_from_environment() -> dj_database_url.DBConfig:
    url = os.environ.get("DATABASE_URL")
    if not url:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{DATA_DIR / 'safeguard.sqlite3'}"
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    return config


DATABASES = {"default": _database_from_environment()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SECRET_KEY = os.environ.get("SAFEGUARD_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("SAFEGUARD_ALLOWED_HOSTS", "").split(",") if h]

AUTHORITY_NAME = os.environ.get("SAFEGUARD_AUTHORITY_NAME", "Safeguard demo authority")
NATION = os.environ.get("SAFEGUARD_NATION", "england")
# A CSV of the region's and statistical neighbours' published figures, shown beside England's in
# the report (docs/report-figures.md, "England and comparators"); blank: none.
COMPARATORS_CSV = os.environ.get("SAFEGUARD_COMPARATORS_CSV", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",  # the task queue's table, read by `safeguard worker`
    "safeguard.accounts",
    "safeguard.audit",
    "safeguard.cases",
    "safeguard.conferences",
    "safeguard.escalations",
    "safeguard.monitoring",
    "safeguard.notifications",
    "safeguard.exchange",
    "safeguard.census",
    "safeguard.ssd",
    "safeguard.reporting",
    "safeguard.administration",
    "safeguard.data_version",
    "safeguard.demo",
    "safeguard.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "safeguard.web.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "safeguard.web.middleware.SessionLifetimeMiddleware",
    "safeguard.web.middleware.AccessMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "safeguard.config.urls"
WSGI_APPLICATION = "safeguard.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "safeguard.web.navigation.navigation",
            ],
        },
    }
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "/"

# The idle time-out: a session left alone this many minutes ends. Each page warns
# SAFEGUARD_SESSION_WARNING_SECONDS before, with a way to stay signed in (web/static/safeguard/timeout.js).
SESSION_COOKIE_AGE = round(float(os.environ.get("SAFEGUARD_SESSION_IDLE_MINUTES", "30")) * 60)
SAFEGUARD_SESSION_WARNING_SECONDS = int(os.environ.get("SAFEGUARD_SESSION_WARNING_SECONDS", "120"))
# However active, a session ends this many hours after signing in.
SAFEGUARD_SESSION_MAX_HOURS = float(os.environ.get("SAFEGUARD_SESSION_MAX_HOURS", "10"))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Lockout (safeguard/accounts/lockout.py): wrong passwords are counted per username whatever
# the address, and per address whatever the username; either limit locks for 30 minutes.
SAFEGUARD_LOCKOUT_USERNAME_LIMIT = int(os.environ.get("SAFEGUARD_LOCKOUT_USERNAME_LIMIT", "10"))
SAFEGUARD_LOCKOUT_ADDRESS_LIMIT = int(os.environ.get("SAFEGUARD_LOCKOUT_ADDRESS_LIMIT", "20"))
# Addresses (or networks, e.g. 10.0.0.0/8) of the reverse proxies in front of Safeguard, comma
# separated. Only a request from one of them has its X-Forwarded-For header believed.
SAFEGUARD_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("SAFEGUARD_TRUSTED_PROXIES", "").split(",") if p.strip()
]
AXES_HANDLER = "safeguard.accounts.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = "safeguard.accounts.lockout.failure_limit"
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "safeguard.accounts.lockout.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "safeguard.accounts.lockout.lockout_response"

# Enrolment links (from `safeguard user add` and 2FA resets) are absolute and work once, for
# PASSWORD_RESET_TIMEOUT seconds.
SAFEGUARD_BASE_URL = os.environ.get("SAFEGUARD_BASE_URL", "http://127.0.0.1:8000")
PASSWORD_RESET_TIMEOUT = 3 * 24 * 60 * 60
OTP_TOTP_ISSUER = "Safeguard"
OTP_TOTP_THROTTLE_FACTOR = 1

# `safeguard demo` loads only into an empty database or one it loaded before; production.py also
# switches it off.
SAFEGUARD_DEMO_ALLOWED = True

# Retention (docs/decisions/0004-retention.md): a child's records are deleted this many years
# after the later of their 18th birthday and the end of their last plan or conference.
# How long a recorded reason opens a child outside one's areas (break glass).
SAFEGUARD_BREAK_GLASS_HOURS = int(os.environ.get("SAFEGUARD_BREAK_GLASS_HOURS", "4"))
SAFEGUARD_RETENTION_YEARS = int(os.environ.get("SAFEGUARD_RETENTION_YEARS", "25"))
# How long an internal edition of the report keeps the children's ids (decision 0026): years
# after the end of its period; never longer than the records themselves.
SAFEGUARD_EDITION_IDENTIFIERS_YEARS = int(
    os.environ.get("SAFEGUARD_EDITION_IDENTIFIERS_YEARS", "6")
)
# The key of the keyed hashes that stand for children's personal values in the audit trail
# (safeguard.audit.privacy); blank: derived from SECRET_KEY under a label of its own.
SAFEGUARD_AUDIT_HASH_KEY = os.environ.get("SAFEGUARD_AUDIT_HASH_KEY", "")

# The Standard Safeguarding Dataset feed (docs/ssd.md): the folder the council's SSD script writes
# its CSV files to, read by `safeguard ssd sync`, and the involvement types that mean "allocated
# social worker" (comma-separated; Liquidlogic's CW by default).
SAFEGUARD_SSD_FOLDER = os.environ.get("SAFEGUARD_SSD_FOLDER", "")
SAFEGUARD_SSD_WORKER_ROLES = tuple(
    role.strip()
    for role in os.environ.get("SAFEGUARD_SSD_WORKER_ROLES", "CW,ALLOCATED CASE WORKER").split(",")
    if role.strip()
)
# The authority's optional team -> area table: the child's area is its current social worker's
# team, named through it ("Team or id=Area;..."); a team not in it is its own area.
SAFEGUARD_SSD_TEAM_AREAS = {
    team.strip(): area.strip()
    for team, _, area in (
        pair.partition("=") for pair in os.environ.get("SAFEGUARD_SSD_TEAM_AREAS", "").split(";")
    )
    if team.strip() and area.strip()
}
# PostgreSQL: the application's own role, which every migrate denies UPDATE, DELETE and TRUNCATE
# on the audit trail (safeguard.audit.roles; docs/operations.md). Blank: not managed.
SAFEGUARD_DB_APP_ROLE = os.environ.get("SAFEGUARD_DB_APP_ROLE", "")

from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]

# The built report and its page, kept by period, options and data version (docs/decisions/0008):
# each process keeps its own copy; docs/operations.md shows how to share one between workers.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "reports": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "safeguard-reports",
        "TIMEOUT": 24 * 60 * 60,
        "OPTIONS": {"MAX_ENTRIES": 64},
    },
}

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
SAFEGUARD_MAX_UPLOAD_BYTES = int(
    os.environ.get("SAFEGUARD_MAX_UPLOAD_BYTES", str(200 * 1024 * 1024))
)
# Pseudonymised exports' keyed-hash ids; blank: the installation's own random key, made on first
# use in DATA_DIR/pseudonym-key (mode 0600). Never derived from SECRET_KEY (docs/security.md).
SAFEGUARD_PSEUDONYM_KEY = os.environ.get("SAFEGUARD_PSEUDONYM_KEY", "")

EMAIL_BACKEND = os.environ.get(
    "SAFEGUARD_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("SAFEGUARD_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("SAFEGUARD_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("SAFEGUARD_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("SAFEGUARD_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("SAFEGUARD_EMAIL_TLS", "") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("SAFEGUARD_FROM_EMAIL", "safeguard@localhost")
# A mail server that answers nothing must not hold a worker for ever (seconds).
EMAIL_TIMEOUT = int(os.environ.get("SAFEGUARD_EMAIL_TIMEOUT", "30"))

# The alerts after a chair's check are queued in the database and sent by `safeguard worker`
# (django-tasks' database backend and its db_worker), which retries them with backoff; the same
# worker issues the report editions a manager asks for on the web.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"drop_request_data": {"()": "safeguard.web.log_filters.DropRequestDataFilter"}},
    "formatters": {
        "plain": {
            "()": "safeguard.web.log_filters.RedactingFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["drop_request_data"],
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"safeguard": {"level": "INFO"}},
}
