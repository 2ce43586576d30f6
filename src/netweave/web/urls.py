"""The site's routes: wires each feature app's pages into the organizer (``orga:``) and the
participant (``portal:``) namespaces.

Here, at the top, and not in ``orga`` or ``portal``: those two apps sit beside the features
in the layers and know none of them (docs/architecture.md). A feature app offers
``orga_urlpatterns`` and ``portal_urlpatterns`` in its ``urls`` module; order matters only
where two patterns could match the same path, and none do.
"""

from django.contrib import admin
from django.urls import include, path

from netweave.web.followup import urls as followup
from netweave.web.intros import urls as intros
from netweave.web.live import urls as live
from netweave.web.orga import urls as orga
from netweave.web.portal import urls as portal
from netweave.web.privacy import urls as privacy

FEATURES = (intros, live, followup, privacy)

orga_patterns = [*orga.urlpatterns, *(p for app in FEATURES for p in app.orga_urlpatterns)]
portal_patterns = [*portal.urlpatterns, *(p for app in FEATURES for p in app.portal_urlpatterns)]

urlpatterns = [
    path("orga/", include((orga_patterns, "orga"))),
    path("admin/", admin.site.urls),
    path("", include((portal_patterns, "portal"))),
]
