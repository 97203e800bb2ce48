from django.apps import AppConfig


class AdministrationConfig(AppConfig):
    name = "safeguard.administration"
    label = "administration"
