"""Whose contact details a participant may see.

Decided by the one rule in :mod:`netweave.web.events.partners`: someone's email is shown
only when each said yes to the other, by ticking "share my email" when registering or by a
yes to that person later; "I'd like to stay in touch" after meeting is one such yes
(:func:`stay_in_touch_wishes`, which this app registers with that rule). A one-sided wish
changes nothing anyone can see, so nobody learns that somebody wished to stay in touch and
the other did not.
"""

from __future__ import annotations

from collections.abc import Collection

from netweave.web.events.models import Registration
from netweave.web.events.partners import partner_views
from netweave.web.followup.models import StayInTouch
from netweave.web.live.queries.met import partners_met

__all__ = [
    "contacts_visible_to",
    "stay_in_touch_wishes",
]


def stay_in_touch_wishes(
    froms: Collection[int], tos: Collection[int]
) -> frozenset[tuple[int, int]]:
    """``(from, to)`` pairs among the given registrations where ``from`` wished to stay in
    touch with ``to`` after any of their meetings: a per-person yes of the one consent model
    (:mod:`netweave.web.events.partners`), registered there by this app. One query."""
    return frozenset(
        StayInTouch.objects.filter(
            from_registration_id__in=list(froms), to_registration_id__in=list(tos)
        ).values_list("from_registration_id", "to_registration_id")
    )


def contacts_visible_to(registration: Registration) -> frozenset[int]:
    """The registrations whose email ``registration`` may see among the people they met
    (:func:`~netweave.web.events.partners.may_see_contact`), in one-on-one meetings or
    groups (:func:`~netweave.web.live.queries.met.partners_met`). Read fresh each time, so
    a withdrawal shows at once everywhere."""
    met = partners_met(registration, groups=True)
    if not met:
        return frozenset()
    me = Registration.objects.select_related("event").get(pk=registration.pk)
    people = list(Registration.objects.filter(pk__in=met).select_related("member"))
    return frozenset(v.pk for v in partner_views(me, people) if v.email)
