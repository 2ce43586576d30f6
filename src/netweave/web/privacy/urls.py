"""Routes of this app: participant pages (namespace ``portal``); nothing for organizers yet."""

from django.urls import path

from netweave.web.privacy import views

portal_urlpatterns: list = [
    path("p/<str:token>/privacy/", views.overview, name="privacy"),
    path("p/<str:token>/privacy/download/", views.ask_download, name="privacy_download"),
    path("p/<str:token>/privacy/delete/", views.ask_delete, name="privacy_delete"),
    # the single-use link emailed to the member: the only way to download or delete
    path("privacy/<str:secret>/", views.confirm, name="privacy_confirm"),
]

orga_urlpatterns: list = []
