from django.urls import path

from . import views

app_name = "exchange"
urlpatterns = [
    path("import/", views.import_bundle, name="import"),
    path("import/confirm/", views.import_confirm, name="import-confirm"),
    path("exports/", views.export, name="export"),
    path("exports/bundle/", views.export_bundle, name="export-bundle"),
    path("exports/pseudonymised/", views.export_pseudonymised, name="export-pseudonymised"),
]
