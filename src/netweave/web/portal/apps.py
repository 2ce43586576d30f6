from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "netweave.web.portal"
    label = "portal"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from netweave.web.common.panels import register_panel  # noqa: PLC0415 - app registry: loaded in ready()
        from netweave.web.portal.wishes import wishes_panel  # noqa: PLC0415 - app registry: loaded in ready()

        register_panel(wishes_panel)
