from django.urls import path

from safeguard.web.converters import RECORD  # noqa: F401  (registers <record:...>)

from . import views

app_name = "monitoring"
urlpatterns = [
    path("plans/<record:plan_id>/checks/add/", views.check_record, name="check-record"),
]
