from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("reports/", views.index, name="index"),
    path("reports/download/<str:report_format>/", views.download, name="download"),
    path("api/v1/report", views.api_report, name="api-report"),
    path("reports/editions/", views.editions, name="editions"),
    path("reports/editions/issue/", views.edition_issue_view, name="edition-issue"),
    path(
        "reports/editions/<str:edition_id>/download/<str:report_format>/",
        views.edition_download,
        name="edition-download",
    ),
    path(
        "reports/editions/<str:edition_id>/changes/",
        views.edition_changes_view,
        name="edition-changes",
    ),
    path("reports/commentary/", views.commentary, name="commentary"),
]
