from django.urls import path

from . import views

app_name = "escalations"
urlpatterns = [
    path("escalations/", views.escalation_list, name="list"),
    path("escalations/export.csv", views.escalation_export, name="export"),
    path("escalations/raise/", views.escalation_raise_page, name="raise"),
    path("escalations/<str:escalation_id>/", views.escalation_detail, name="detail"),
    path("escalations/<str:escalation_id>/edit/", views.escalation_edit, name="edit"),
]
