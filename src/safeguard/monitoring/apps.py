from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "safeguard.monitoring"
    label = "monitoring"
