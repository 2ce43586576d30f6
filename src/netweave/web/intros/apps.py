from django.apps import AppConfig


class IntrosConfig(AppConfig):
    name = "netweave.web.intros"
    label = "intros"
    default_auto_field = "django.db.models.BigAutoField"
