"""Participant pages: public event pages by slug, personal pages by token."""

from django.urls import path

from netweave.web.followup.urls import portal_urlpatterns as followup
from netweave.web.intros.urls import portal_urlpatterns as intros
from netweave.web.live.urls import portal_urlpatterns as live
from netweave.web.portal import views
from netweave.web.privacy.urls import portal_urlpatterns as privacy

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("e/<slug:community_slug>/<slug:event_slug>/register/", views.register, name="register"),
    path(
        "e/<slug:community_slug>/<slug:event_slug>/register/sent/",
        views.sent,
        {"form": "register"},
        name="register_sent",
    ),
    path("e/<slug:community_slug>/<slug:event_slug>/link/", views.resend, name="resend"),
    path(
        "e/<slug:community_slug>/<slug:event_slug>/link/sent/",
        views.sent,
        {"form": "link"},
        name="resend_sent",
    ),
    path("confirm/<str:secret>/", views.confirm, name="registration_confirm"),
    path("p/<str:token>/", views.mine, name="mine"),
    path("p/<str:token>/edit/", views.edit, name="edit"),
    path("p/<str:token>/event.ics", views.ics, name="ics"),
    *intros,
    *live,
    *followup,
    *privacy,
]
