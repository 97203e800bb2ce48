from django.urls import path

from . import views

app_name = "web"
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("", views.home, name="home"),
    # Children
    path("children/<str:child_id>/", views.child_detail, name="child-detail"),
]
