"""Routes of this app: participant pages (namespace ``portal``); nothing for organizers yet."""

from django.urls import path

from netweave.web.privacy import views

portal_urlpatterns: list = [
    path("p/<str:token>/privacy/", views.overview, name="privacy"),
    path("p/<str:token>/privacy/my-data.json", views.download, name="privacy_download"),
    path("p/<str:token>/privacy/delete/", views.delete, name="privacy_delete"),
]

orga_urlpatterns: list = []
