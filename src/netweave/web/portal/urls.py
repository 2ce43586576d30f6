"""Participant pages: public event pages by slug, personal pages by token; the site's
``urls`` adds the feature apps' pages to the same ``portal:`` namespace."""

from django.urls import path

from netweave.web.portal import views, wishes

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
    path("p/<str:token>/wishes/", wishes.save, name="wishes"),
]
