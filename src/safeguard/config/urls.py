from django.urls import include, path

urlpatterns = [
    path("", include("safeguard.web.urls")),
    path("", include("safeguard.accounts.urls")),
    path("", include("safeguard.audit.urls")),
    path("", include("safeguard.cases.urls")),
    path("", include("safeguard.conferences.urls")),
    path("", include("safeguard.monitoring.urls")),
    path("", include("safeguard.reporting.urls")),
    path("", include("safeguard.exchange.urls")),
    path("", include("safeguard.ssd.urls")),
    path("", include("safeguard.administration.urls")),
    path("", include("safeguard.escalations.urls")),
    path("", include("safeguard.notifications.urls")),
]
