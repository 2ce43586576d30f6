from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "netweave.web.followup"
    label = "followup"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # the extension points of the other apps: a tab, a panel, the
        # stay-in-touch consent for the one rule of contact details, and this app's part of
        # the privacy app's download and purge
        from netweave.web.common.panels import register_panel  # noqa: PLC0415 - app registry: loaded in ready()
        from netweave.web.common.personal_data import register_personal_data  # noqa: PLC0415 - app registry: loaded in ready()
        from netweave.web.common.tabs import EventTab, register_event_tab  # noqa: PLC0415 - app registry: loaded in ready()
        from netweave.web.events.partners import register_contact_wish  # noqa: PLC0415 - app registry: loaded in ready()
        from netweave.web.followup.domain.news import send_due_news  # noqa: PLC0415 - app registry: loaded in ready()
        from netweave.web.followup.domain.personal_data import FOLLOWUP_DATA  # noqa: PLC0415 - app registry: loaded in ready()
        from netweave.web.followup.panels import followup_panel  # noqa: PLC0415 - app registry: loaded in ready()
        from netweave.web.followup.queries.contacts import stay_in_touch_wishes  # noqa: PLC0415 - app registry: loaded in ready()
        from netweave.web.followup.queries.news import mutual_wish_news  # noqa: PLC0415 - app registry: loaded in ready()
        from netweave.web.mail.due import register_due  # noqa: PLC0415 - app registry: loaded in ready()
        from netweave.web.mail.news import register_news  # noqa: PLC0415 - app registry: loaded in ready()

        register_event_tab(EventTab("Follow-up", "orga:insight", ("insight",), order=60))
        register_panel(followup_panel)
        register_contact_wish(stay_in_touch_wishes)
        # the daily news email: this app owns the email preferences, so it sends it
        register_news("stay-in-touch", mutual_wish_news)
        register_due("followup-news", send_due_news)
        register_personal_data(FOLLOWUP_DATA)
