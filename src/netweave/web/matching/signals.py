"""Signals other apps may listen to (mail, participant pages) without matching knowing them."""

from __future__ import annotations

from django.dispatch import Signal

#: sent after the transaction that published a plan has committed; ``version`` is the
#: newly published :class:`~netweave.web.matching.models.PlanVersion`
plan_published = Signal()
