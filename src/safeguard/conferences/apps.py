from django.apps import AppConfig


class ConferencesConfig(AppConfig):
    name = "safeguard.conferences"
    label = "conferences"

    def ready(self) -> None:
        from safeguard.conferences import holidays

        holidays.install()
