from django.urls import include, path

urlpatterns = [
    path("", include("safeguard.web.urls")),
]
