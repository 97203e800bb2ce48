from django.apps import AppConfig


class EscalationsConfig(AppConfig):
    name = "safeguard.escalations"
    label = "escalations"
