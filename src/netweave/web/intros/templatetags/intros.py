"""Template tags of async participation, for pages of other apps (the live page)."""

from __future__ import annotations

from typing import Any

from django import template

from netweave.web.common.timezones import zone
from netweave.web.events.models import Registration
from netweave.web.intros.errors import NotPartnerError
from netweave.web.intros.forms import AnswersForm
from netweave.web.intros.queries import partners
from netweave.web.intros.queries.intros import duration_text

register = template.Library()


@register.simple_tag
def partner_card(viewer: Registration, partner: Registration) -> dict[str, Any] | None:
    """``{"card", "form", "zone"}`` for ``partner`` as ``viewer`` sees them; None when the two are
    not matched (then the including page shows nothing of the partner's intro)."""
    try:
        card = partners.partner_card(viewer, partner)
    except NotPartnerError:
        return None
    return {"card": card, "form": AnswersForm(card=card), "zone": zone(viewer.member.timezone)}


@register.filter
def duration(seconds: float | None) -> str:
    """``185`` -> ``"3 minutes 5 s"``."""
    return "" if seconds is None else duration_text(seconds)
