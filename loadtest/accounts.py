"""Create the load test's 20 people (each with a password and a confirmed authenticator app) and
write them, with a sample of the demo's child ids, to the JSON file named on the command line.

Run with DATABASE_URL pointing at the load test's own database (loadtest/run.sh does)."""

from __future__ import annotations

import json
import os
import secrets
import sys

import django

ROLES = ["chair"] * 8 + ["business_support"] * 6 + ["manager"] * 6


def main(path: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.config.settings.local")
    django.setup()
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from safeguard.accounts.services import user_create
    from safeguard.cases.models import Child

    people = []
    for number, role in enumerate(ROLES, start=1):
        username = f"load-{role.replace('_', '-')}-{number:02d}"
        user, _link = user_create(username=username, role=role)
        password = secrets.token_urlsafe(18)
        user.set_password(password)  # as enrolment would, without a browser
        user.save(update_fields=["password"])
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
        people.append(
            {"username": username, "role": role, "password": password, "totp_key": device.key}
        )
    children = list(
        Child.objects.filter(plans__isnull=False).values_list("child_id", flat=True).distinct()
    )
    with open(path, "w", encoding="utf-8") as handle:
        json.dump({"people": people, "children": sorted(children)[:500]}, handle)
    print(f"{len(people)} people and {min(len(children), 500)} children for the load test")


if __name__ == "__main__":
    main(sys.argv[1])
