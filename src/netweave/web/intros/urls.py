"""Routes of this app: organizer pages (namespace ``orga``) and participant pages (``portal``)."""

from django.urls import path

from netweave.web.intros import thread_views, views

orga_urlpatterns: list = [
    path("events/<int:event_pk>/async/", views.overview, name="intros"),
    path("events/<int:event_pk>/async/settings/", views.settings_page, name="intros_settings"),
    path("events/<int:event_pk>/async/nudge/", views.nudge, name="intros_nudge"),
    path("events/<int:event_pk>/async/threads/", thread_views.reports, name="intros_threads"),
    path(
        "events/<int:event_pk>/async/threads/<int:post_pk>/hide/",
        thread_views.hide,
        name="intros_threads_hide",
    ),
    path(
        "events/<int:event_pk>/async/<int:registration_pk>/",
        views.watch,
        name="intros_watch",
    ),
    path(
        "events/<int:event_pk>/async/<int:registration_pk>/ask/",
        views.ask_for_intro,
        name="intros_ask",
    ),
    path(
        "events/<int:event_pk>/async/<int:registration_pk>/<str:which>/",
        views.orga_media,
        name="intros_media",
    ),
]

portal_urlpatterns: list = [
    path("p/<str:token>/intro/", views.intro, name="intro"),
    path("p/<str:token>/intro/upload/", views.upload, name="intro_upload"),
    path("p/<str:token>/intro/remove-video/", views.remove_video, name="intro_remove_video"),
    path(
        "p/<str:token>/intro/media/<int:owner_pk>/<str:which>/",
        views.media,
        name="intro_media",
    ),
    path("p/<str:token>/partner/<int:partner_pk>/", views.partner, name="intro_partner"),
    path("p/<str:token>/partner/<int:partner_pk>/save/", views.answer, name="intro_answer"),
    path("p/<str:token>/digest/", views.digest, name="intro_digest"),
    path(
        "p/<str:token>/digest/<int:partner_pk>/followed-up/",
        views.follow_up,
        name="intro_follow_up",
    ),
    path("p/<str:token>/group/", views.group, name="intro_group"),
    path("p/<str:token>/talk/<int:partner_pk>/", thread_views.talk, name="intro_talk"),
    path(
        "p/<str:token>/talk/<int:partner_pk>/call/",
        thread_views.talk_call,
        name="intro_talk_call",
    ),
    path("p/<str:token>/group/call/", thread_views.group_call, name="intro_group_call"),
    path("p/<str:token>/met/", thread_views.met, name="intro_met"),
    path("p/<str:token>/posts/<int:post_pk>/edit/", thread_views.edit, name="intro_post_edit"),
    path(
        "p/<str:token>/posts/<int:post_pk>/delete/",
        thread_views.delete,
        name="intro_post_delete",
    ),
    path(
        "p/<str:token>/posts/<int:post_pk>/report/",
        thread_views.report,
        name="intro_post_report",
    ),
]
