from django.urls import path

from netweave.web.orga.views import outbox

urlpatterns = [
    path("communities/<int:community_pk>/outbox/", outbox.listing, name="outbox"),
    path("communities/<int:community_pk>/outbox/<int:pk>/", outbox.message, name="outbox_message"),
]
