from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "netweave.web.live"
    label = "live"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # the console's tab on event pages, and the link on participants' pages on the day
        from netweave.web.common.panels import register_panel  # noqa: PLC0415 - app registry: loaded in ready()
        from netweave.web.common.tabs import EventTab, register_event_tab  # noqa: PLC0415 - app registry: loaded in ready()
        from netweave.web.live.panels import live_panel  # noqa: PLC0415 - app registry: loaded in ready()

        register_event_tab(
            EventTab("Live", "orga:live", prefixes=("live",), order=40, live_only=True)
        )
        register_panel(live_panel)
        # the planner's "met before" comes from the one rule of who met whom, which this
        # app owns (it records what really happened); matching sits below and cannot ask
        from netweave.web.live.queries.met import history_pairs  # noqa: PLC0415 - app registry
        from netweave.web.matching.domain.inputs import (  # noqa: PLC0415 - app registry
            register_history_source,
        )

        register_history_source(history_pairs)
        # the participant's day (personal page and every reader of the schedule) is what the
        # live console decided and what really happened, which this app knows
        from netweave.web.live.queries.day import day_for  # noqa: PLC0415 - app registry
        from netweave.web.matching.queries.schedule import (  # noqa: PLC0415 - app registry
            register_day_source,
        )

        register_day_source(day_for)
