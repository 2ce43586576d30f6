"""Organizer pages (login required). Each part keeps its own list of routes."""

from netweave.web.followup.urls import orga_urlpatterns as followup
from netweave.web.intros.urls import orga_urlpatterns as intros
from netweave.web.live.urls import orga_urlpatterns as live
from netweave.web.orga.urls_base import urlpatterns as base
from netweave.web.orga.urls_outbox import urlpatterns as outbox
from netweave.web.orga.urls_plans import urlpatterns as plans
from netweave.web.privacy.urls import orga_urlpatterns as privacy

app_name = "orga"
urlpatterns = base + plans + outbox + intros + live + followup + privacy
