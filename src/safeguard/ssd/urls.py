from django.urls import path

from . import views

app_name = "ssd"
urlpatterns = [
    path("ssd/import/", views.ssd_upload, name="import"),
    path("ssd/import/confirm/", views.ssd_upload_confirm, name="import-confirm"),
    path("ssd/reconcile/", views.ssd_reconciliation, name="reconcile"),
]
