"""Routes of this app: organizer pages (namespace ``orga``) and participant pages (``portal``)."""

from django.urls import path

from netweave.web.live import views

E = "events/<int:event_pk>/live/"

orga_urlpatterns: list = [
    path(E, views.console, name="live"),
    path(E + "attendance/<int:registration_pk>/", views.attendance, name="live_attendance"),
    path(E + "check-in/paste/", views.paste, name="live_paste"),
    path(E + "check-in/confirm/", views.confirm, name="live_confirm"),
    path(E + "check-in/walk-in/", views.walk_in, name="live_walk_in"),
    path(E + "go/", views.go, name="live_go"),
    path(E + "messages/", views.set_messages, name="live_messages"),
    path(E + "rounds/<int:number>/replan/", views.replan, name="live_replan"),
    path(E + "rounds/<int:number>/zoom.csv", views.round_zoom, name="live_round_zoom"),
    path(E + "groups/zoom.csv", views.groups_zoom, name="live_groups_zoom"),
]
portal_urlpatterns: list = [
    path("p/<str:token>/live/", views.page, name="live"),
    path("p/<str:token>/live/poll/", views.poll, name="live_poll"),
]
