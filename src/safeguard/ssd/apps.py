from django.apps import AppConfig


class SsdConfig(AppConfig):
    name = "safeguard.ssd"
    label = "ssd"
    verbose_name = "Standard Safeguarding Dataset feed"
