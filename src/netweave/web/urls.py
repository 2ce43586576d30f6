from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("orga/", include("netweave.web.orga.urls")),
    path("admin/", admin.site.urls),
    path("", include("netweave.web.portal.urls")),
]
