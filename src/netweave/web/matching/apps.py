from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "netweave.web.matching"
    label = "matching"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # events sits below matching and cannot ask about plans: a published plan freezes
        # the registrations it was made from, so matching tells events so
        from netweave.web.common.panels import register_panel  # noqa: PLC0415 - app registry: loaded in ready()
        from netweave.web.events.registering import register_lock  # noqa: PLC0415 - app registry: loaded in ready()
        from netweave.web.mail.due import register_due  # noqa: PLC0415 - app registry: loaded in ready()
        from netweave.web.matching.domain.reminders import send_due_reminders  # noqa: PLC0415 - app registry: loaded in ready()
        from netweave.web.matching.panels import host_panel  # noqa: PLC0415 - app registry: loaded in ready()
        from netweave.web.matching.queries.schedule import plan_is_published  # noqa: PLC0415 - app registry: loaded in ready()

        register_lock(plan_is_published)
        # reminders carry the schedule, which only this app knows
        register_due("reminders", send_due_reminders)
        # a staff host's page says where they are needed
        register_panel(host_panel)
