from django.apps import AppConfig


class IntrosConfig(AppConfig):
    name = "netweave.web.intros"
    label = "intros"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Asynchronous participation"

    def ready(self) -> None:
        # the extension points of the portal, the organizer pages, `netweave send-due` and
        # the privacy app's download, erasure and purge: registering here keeps those apps
        # from importing this one
        from netweave.web.common.panels import register_panel  # noqa: PLC0415 - app registry: loaded in ready()
        from netweave.web.common.personal_data import register_personal_data  # noqa: PLC0415 - app registry: loaded in ready()
        from netweave.web.common.tabs import EventTab, register_event_tab  # noqa: PLC0415 - app registry: loaded in ready()
        from netweave.web.events.partners import register_contact_wish  # noqa: PLC0415 - app registry: loaded in ready()
        from netweave.web.events.timeline import register_window_end  # noqa: PLC0415 - app registry: loaded in ready()
        from netweave.web.intros.domain.deadline import send_due_deadlines  # noqa: PLC0415 - app registry: loaded in ready()
        from netweave.web.intros.domain.digests import send_due_digests  # noqa: PLC0415 - app registry: loaded in ready()
        from netweave.web.intros.domain.met_check import send_due_met_checks  # noqa: PLC0415 - app registry: loaded in ready()
        from netweave.web.intros.domain.personal_data import INTROS_DATA  # noqa: PLC0415 - app registry: loaded in ready()
        from netweave.web.intros.domain.reminders import send_due_reminders  # noqa: PLC0415 - app registry: loaded in ready()
        from netweave.web.intros.panels import async_panel  # noqa: PLC0415 - app registry: loaded in ready()
        from netweave.web.intros.queries.answers import answered_intros, form_contact_wishes  # noqa: PLC0415 - app registry: loaded in ready()
        from netweave.web.intros.queries.deadlines import last_window_closes_at  # noqa: PLC0415 - app registry: loaded in ready()
        from netweave.web.intros.queries.intros import async_without_intro  # noqa: PLC0415 - app registry: loaded in ready()
        from netweave.web.intros.queries.news import thread_news  # noqa: PLC0415 - app registry: loaded in ready()
        from netweave.web.live.domain.watchable import register_missing_intros  # noqa: PLC0415 - app registry: loaded in ready()
        from netweave.web.live.queries.met import register_async_evidence  # noqa: PLC0415 - app registry: loaded in ready()
        from netweave.web.mail.due import register_due  # noqa: PLC0415 - app registry: loaded in ready()
        from netweave.web.mail.news import register_news  # noqa: PLC0415 - app registry: loaded in ready()

        register_panel(async_panel)
        register_event_tab(EventTab("Async", "orga:intros", ("intros",), order=45))
        register_due("intros-digests", send_due_digests)
        register_due("intros-reminders", send_due_reminders)
        register_due("intros-deadline", send_due_deadlines)
        register_due("intros-met", send_due_met_checks)
        # new messages on threads go into the daily news email (the follow-up app sends it)
        register_news("threads", thread_news)
        # the live run pairs nobody with an async person who has no intro to watch
        register_missing_intros(async_without_intro)
        # follow-up counts an async meeting only when its intro was watched and answered
        register_async_evidence(answered_intros)
        register_personal_data(INTROS_DATA)
        # a fully async event is over when its last answer window closes
        register_window_end(last_window_closes_at)
        # the partner form's "share my contact details with ..." is a yes to that person
        register_contact_wish(form_contact_wishes)
