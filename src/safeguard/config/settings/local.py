"""Settings for the demo and a single workstation: the embedded SQLite database, plain HTTP on
loopback. Never for a server that others reach (use production.py)."""

import os

from .base import *  # noqa: F403

SECRET_KEY = os.environ.get("SAFEGUARD_SECRET_KEY") or "local-only-not-secret-" + "x" * 40
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
