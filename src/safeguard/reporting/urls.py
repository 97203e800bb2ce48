from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("reports/", views.index, name="index"),
    path("reports/download/<str:report_format>/", views.download, name="download"),
    path("api/v1/report", views.api_report, name="api-report"),
]
