from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "netweave.web.privacy"
    label = "privacy"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Privacy: access, erasure, retention"

    def ready(self) -> None:
        # registered here so that the portal never imports this app
        from netweave.web.common.panels import register_panel  # noqa: PLC0415 - app registry: loaded in ready()
        from netweave.web.privacy.panels import privacy_panel  # noqa: PLC0415 - app registry: loaded in ready()

        register_panel(privacy_panel)
