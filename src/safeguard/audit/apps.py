from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AuditConfig(AppConfig):
    name = "safeguard.audit"
    label = "audit"

    def ready(self) -> None:
        from .roles import app_role_privileges

        post_migrate.connect(app_role_privileges, sender=self)
