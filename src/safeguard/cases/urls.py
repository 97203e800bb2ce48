from django.urls import path

from safeguard.web.converters import RECORD  # noqa: F401  (registers <record:...>)

from . import views

app_name = "cases"
urlpatterns = [
    path("children/", views.child_list, name="child-list"),
    path("children/add/", views.child_add, name="child-add"),
    path("children/<record:child_id>/", views.child_detail, name="child-detail"),
    path("children/<record:child_id>/edit/", views.child_edit, name="child-edit"),
    path(
        "children/<record:child_id>/correct-id/",
        views.child_id_correction,
        name="child-id-correct",
    ),
    path(
        "children/<record:child_id>/open-with-reason/",
        views.child_break_glass,
        name="child-break-glass",
    ),
    path("children/<record:child_id>/plans/add/", views.plan_add, name="plan-add"),
    path("children/<record:child_id>/enquiries/add/", views.enquiry_add, name="enquiry-add"),
    path("plans/<record:plan_id>/edit/", views.plan_edit, name="plan-edit"),
]
