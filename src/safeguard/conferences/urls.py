from django.urls import path

from safeguard.web.converters import RECORD  # noqa: F401  (registers <record:...>)

from . import views

app_name = "conferences"
urlpatterns = [
    path("conferences/record/", views.meeting_record_page, name="meeting-record"),
    path("conferences/<record:conference_id>/edit/", views.conference_edit, name="conference-edit"),
    path("meetings/<record:reference>/", views.meeting_detail, name="meeting-detail"),
    path(
        "meetings/<record:reference>/invitations/add/",
        views.invitation_add,
        name="invitation-add",
    ),
    path("invitations/<int:invitation_id>/edit/", views.invitation_edit, name="invitation-edit"),
    path(
        "invitations/<int:invitation_id>/escalate/",
        views.invitation_escalate,
        name="invitation-escalate",
    ),
]
