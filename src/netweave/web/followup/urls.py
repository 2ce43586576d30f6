"""Routes of this app: organizer pages (namespace ``orga``) and participant pages (``portal``)."""

from django.urls import path

from netweave.web.followup import orga_views, views

orga_urlpatterns: list = [
    path("events/<int:event_pk>/insight/", orga_views.insight_page, name="insight"),
    path(
        "events/<int:event_pk>/insight/export/",
        orga_views.insight_export,
        name="insight_export",
    ),
    path(
        "events/<int:event_pk>/insight/summaries/",
        orga_views.send_summaries,
        name="insight_send_summaries",
    ),
]
portal_urlpatterns: list = [
    path("p/<str:token>/summary/", views.summary, name="summary"),
    path("p/<str:token>/summary/sharing/", views.sharing, name="summary_sharing"),
    path("p/<str:token>/feedback/", views.event_feedback, name="feedback_event"),
    path(
        "p/<str:token>/feedback/<int:meeting_pk>/",
        views.meeting_feedback,
        name="feedback_meeting",
    ),
    path("email/<str:token>/", views.email_preferences, name="email_preferences"),
    path("email/<str:token>/unsubscribe/", views.email_unsubscribe, name="email_unsubscribe"),
]
