from django.urls import path

from netweave.web.orga.views import plans

urlpatterns = [
    path("events/<int:event_pk>/plan/", plans.board, name="plan"),
]
