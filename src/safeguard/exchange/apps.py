from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "safeguard.exchange"
    label = "exchange"
