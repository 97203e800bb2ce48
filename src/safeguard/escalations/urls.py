from django.urls import path

from . import views

app_name = "escalations"
urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
]
