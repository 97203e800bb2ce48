from django.urls import path

from . import views

app_name = "administration"
urlpatterns = [
    path("administration/", views.index, name="index"),
    path(
        "administration/organisation-types/",
        views.organisation_types,
        name="organisation-types",
    ),
    path(
        "administration/organisation-types/<int:organisation_type_id>/",
        views.organisation_type_edit,
        name="organisation-type-edit",
    ),
    path("administration/areas/", views.areas, name="areas"),
    path("administration/areas/<int:area_id>/", views.area_edit, name="area-edit"),
    path("administration/chairs/", views.chairs, name="chairs"),
    path("administration/chairs/add/", views.chair_edit, name="chair-add"),
    path("administration/chairs/<int:chair_id>/", views.chair_edit, name="chair-edit"),
    path("administration/liaison-officers/", views.liaison_officers, name="liaison-officers"),
    path(
        "administration/liaison-officers/add/",
        views.liaison_officer_edit,
        name="liaison-officer-add",
    ),
    path(
        "administration/liaison-officers/<int:officer_id>/",
        views.liaison_officer_edit,
        name="liaison-officer-edit",
    ),
    path("administration/timeliness-rules/", views.rules, name="rules"),
]
