from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "safeguard.reporting"
    label = "reporting"
