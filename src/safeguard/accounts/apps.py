from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "safeguard.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.core import checks

        from .lockout import trusted_proxies_check
        from .services import session_mark_signed_in

        def mark_signed_in(sender, request, user, **kwargs) -> None:
            if request is not None and hasattr(request, "session"):
                session_mark_signed_in(request=request)

        user_logged_in.connect(mark_signed_in, dispatch_uid="safeguard-signed-in-at", weak=False)
        checks.register(trusted_proxies_check, checks.Tags.security)
