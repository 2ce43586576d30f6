"""Routes of this app: organizer pages (namespace ``orga``) and participant pages (``portal``)."""

orga_urlpatterns: list = []
portal_urlpatterns: list = []
