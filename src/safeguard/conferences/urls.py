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
    # booking (issue 19): before the meeting
    path("conferences/book/", views.meeting_book, name="meeting-book"),
    path("meetings/<record:reference>/cancel/", views.meeting_cancel, name="meeting-cancel"),
    path(
        "meetings/<record:reference>/invitations/copy/",
        views.invitations_copy,
        name="invitations-copy",
    ),
    path("diary/", views.diary, name="diary"),
    path("reports-overdue/", views.reports_overdue, name="reports-overdue"),
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/add/", views.organisation_add, name="organisation-add"),
    path(
        "organisations/<int:organisation_id>/edit/",
        views.organisation_edit,
        name="organisation-edit",
    ),
    path("invitations/<int:invitation_id>/edit/", views.invitation_edit, name="invitation-edit"),
    path(
        "invitations/<int:invitation_id>/escalate/",
        views.invitation_escalate,
        name="invitation-escalate",
    ),
]
