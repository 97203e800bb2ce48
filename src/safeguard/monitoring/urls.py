from django.urls import path

from . import views

app_name = "monitoring"
urlpatterns = [
    path("plans/<str:plan_id>/checks/add/", views.check_record, name="check-record"),
]
