"""Whose contact details a participant may see.

Double opt-in, decided by the one rule in :mod:`netweave.web.events.partners`: a participant
sees someone's email address only when both agreed, both ticked "share my email" when
registering or both said "I'd like to stay in touch" after meeting (:func:`mutual_wishes`,
which this app registers with that rule). A one-sided wish changes nothing anyone can see,
so nobody learns that somebody wished to stay in touch and the other did not.
"""

from __future__ import annotations

from collections.abc import Collection

from netweave.web.events.models import Registration
from netweave.web.events.partners import partner_views
from netweave.web.followup.models import StayInTouch
from netweave.web.live.queries.met import partners_met

__all__ = [
    "contacts_visible_to",
    "mutual_wishes",
]


def mutual_wishes(viewer: Registration, candidates: Collection[int]) -> frozenset[int]:
    """The pks among ``candidates`` with whom ``viewer`` exchanged stay-in-touch wishes (each
    wished it of the other, after any of their meetings): the second consent of
    :mod:`netweave.web.events.partners`, registered there by this app. One query."""
    return frozenset(
        StayInTouch.objects.filter(
            from_registration=viewer,
            to_registration_id__in=list(candidates),
            to_registration__stay_in_touch_wishes__to_registration=viewer,
        ).values_list("to_registration_id", flat=True)
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
