"""Organizer pages: sign-in, dashboard, members, events and their registrations."""

from django.urls import path

from netweave.web.orga.views import auth, dashboard, events, members, registrations

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("login/", auth.login, name="login"),
    path("logout/", auth.logout, name="logout"),
    # members of a community
    path("communities/<int:community_pk>/members/", members.directory, name="members"),
    path(
        "communities/<int:community_pk>/members/export/",
        members.export,
        name="members_export",
    ),
    path(
        "communities/<int:community_pk>/members/import/",
        members.import_upload,
        name="members_import",
    ),
    path(
        "communities/<int:community_pk>/members/import/columns/",
        members.import_mapping,
        name="members_import_mapping",
    ),
    path(
        "communities/<int:community_pk>/members/import/confirm/",
        members.import_confirm,
        name="members_import_confirm",
    ),
    path("members/<int:member_pk>/edit/", members.edit, name="member_edit"),
    # events
    path("communities/<int:community_pk>/events/new/", events.create, name="event_create"),
    path("events/<int:event_pk>/", events.overview, name="event"),
    path("events/<int:event_pk>/edit/", events.edit, name="event_edit"),
    path("events/<int:event_pk>/status/", events.change_status, name="event_status"),
    path("events/<int:event_pk>/import/", events.import_upload, name="event_import"),
    path(
        "events/<int:event_pk>/import/columns/",
        events.import_mapping,
        name="event_import_mapping",
    ),
    path(
        "events/<int:event_pk>/import/confirm/",
        events.import_confirm,
        name="event_import_confirm",
    ),
    # registrations of an event
    path(
        "events/<int:event_pk>/registrations/",
        registrations.listing,
        name="registrations",
    ),
    path(
        "events/<int:event_pk>/registrations/<int:registration_pk>/",
        registrations.edit,
        name="registration_edit",
    ),
    path(
        "events/<int:event_pk>/registrations/<int:registration_pk>/switch-mode/",
        registrations.switch,
        name="registration_switch_mode",
    ),
    path(
        "events/<int:event_pk>/registrations/<int:registration_pk>/revoke-link/",
        registrations.revoke_link_view,
        name="registration_revoke_link",
    ),
]
