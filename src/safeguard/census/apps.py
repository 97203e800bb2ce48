from django.apps import AppConfig


class CensusConfig(AppConfig):
    name = "safeguard.census"
    label = "census"
    verbose_name = "CIN census"
