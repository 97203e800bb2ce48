from django.urls import path

from safeguard.web.converters import RECORD  # noqa: F401  (registers <record:...>)

from . import views

app_name = "escalations"
urlpatterns = [
    path("escalations/", views.escalation_list, name="list"),
    path("escalations/export.csv", views.escalation_export, name="export"),
    path("escalations/raise/", views.escalation_raise_page, name="raise"),
    path("escalations/<record:escalation_id>/", views.escalation_detail, name="detail"),
    path("escalations/<record:escalation_id>/edit/", views.escalation_edit, name="edit"),
    path(
        "escalations/<record:escalation_id>/steps/add/",
        views.escalation_step_add,
        name="step-add",
    ),
    path("good-practice/", views.good_practice_list, name="good-practice"),
    path("good-practice/record/", views.good_practice_record_page, name="good-practice-record"),
]
