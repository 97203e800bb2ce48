from django.urls import path

from . import views

app_name = "web"
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("", views.home, name="home"),
    path("worklist/", views.worklist, name="worklist"),
    path("worklist.csv", views.worklist_csv, name="worklist-csv"),
]
