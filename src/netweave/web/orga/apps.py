from django.apps import AppConfig


class OrgaConfig(AppConfig):
    name = "netweave.web.orga"
    label = "orga"
    default_auto_field = "django.db.models.BigAutoField"
