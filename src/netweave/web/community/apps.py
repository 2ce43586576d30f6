from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "netweave.web.community"
    label = "community"
    default_auto_field = "django.db.models.BigAutoField"
