from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/code/", views.sign_in_code, name="sign-in-code"),
    path("enrol/", views.enrol, name="enrol"),
    path("enrol/set-up/", views.enrol_set_up, name="enrol-set-up"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("session/extend/", views.session_extend, name="session-extend"),
    path("session/ended/", views.session_ended, name="session-ended"),
    path("sign-out/everywhere/", views.sign_out_everywhere, name="sign-out-everywhere"),
    path("account/", views.account, name="account"),
    path("account/password/", views.password_change, name="password-change"),
    path("account/recovery-codes/", views.recovery_codes, name="recovery-codes"),
    path("users/", views.users, name="users"),
    path("users/add/", views.user_add, name="user-add"),
    path("users/<int:user_id>/", views.user_detail, name="user-detail"),
    path("users/<int:user_id>/edit/", views.user_edit, name="user-edit"),
    path(
        "users/<int:user_id>/reset-two-factor/",
        views.user_reset_two_factor,
        name="user-reset-two-factor",
    ),
]
