"""The organizer pages of this app (login required); the site's ``urls`` adds the feature
apps' pages to the same ``orga:`` namespace."""

from netweave.web.orga.urls_base import urlpatterns as base
from netweave.web.orga.urls_outbox import urlpatterns as outbox
from netweave.web.orga.urls_plans import urlpatterns as plans

urlpatterns = base + plans + outbox
