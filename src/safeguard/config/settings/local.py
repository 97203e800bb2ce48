"""Settings for the demo and a single workstation: the embedded SQLite database, plain HTTP on
loopback. Never for a server that others reach (use production.py)."""

import os

from safeguard.config.installation import installation_secret

from .base import *  # noqa: F403

# SAFEGUARD_SECRET_KEY, or this installation's own key, made at random on first use and kept
# (mode 0600) in the data folder.
SECRET_KEY = os.environ.get("SAFEGUARD_SECRET_KEY") or installation_secret(
    DATA_DIR / "secret-key"  # noqa: F405
)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
