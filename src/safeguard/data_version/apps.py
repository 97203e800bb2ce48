from django.apps import AppConfig


class DataVersionConfig(AppConfig):
    name = "safeguard.data_version"
    label = "data_version"

    def ready(self) -> None:
        from .signals import record_signals_connect

        record_signals_connect()
