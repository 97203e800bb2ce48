"""The data version follows every ORM write to the records: saves, deletes (one by one or by a
queryset, which sends the signals when they have receivers) and many-to-many changes.

This is bookkeeping for caches, not a business effect: the services stay the only writers."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

from .services import data_version_bump

# The apps whose tables hold the records (and the reference data and rule set the report uses).
# Not accounts, audit, sessions or two-factor devices: those change on every request or
# download and would make every cached report useless.
RECORD_APPS = (
    "cases",
    "census",
    "conferences",
    "escalations",
    "monitoring",
    "notifications",
    "exchange",
)


def _changed(sender: Any, using: str = "default", **kwargs: Any) -> None:
    data_version_bump(using=using)


def _m2m_changed(sender: Any, action: str, using: str = "default", **kwargs: Any) -> None:
    if action.startswith("post_"):
        data_version_bump(using=using)


def record_models() -> list[type[Model]]:
    """Every model of the record apps, the automatic many-to-many tables included."""
    return [
        model
        for label in RECORD_APPS
        if label in apps.app_configs
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    ]


def record_signals_connect() -> None:
    for model in record_models():
        uid = f"data_version:{model._meta.label}"
        post_save.connect(_changed, sender=model, weak=False, dispatch_uid=uid)
        post_delete.connect(_changed, sender=model, weak=False, dispatch_uid=uid)
        if model._meta.auto_created:
            m2m_changed.connect(_m2m_changed, sender=model, weak=False, dispatch_uid=uid)
