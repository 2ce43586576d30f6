from __future__ import annotations

from django import template
from django.urls import reverse

from netweave.web.common.tabs import event_tabs
from netweave.web.events.models import Event

register = template.Library()


@register.simple_tag(takes_context=True)
def event_tab_links(context: template.Context, event: Event) -> list[dict[str, object]]:
    """The event's tabs as ``{"label", "url", "current"}`` for the organizer base template."""
    match = context["request"].resolver_match
    current = match.url_name if match else ""
    return [
        {
            "label": tab.label,
            "url": reverse(tab.url_name, kwargs={"event_pk": event.pk}),
            "current": tab.is_current(current or ""),
        }
        for tab in event_tabs(event.fully_async)
    ]
