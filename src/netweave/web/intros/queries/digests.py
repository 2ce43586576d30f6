"""What a digest holds: each partner with their answers, and the contact details only where
the partner agreed to share them."""

from __future__ import annotations

from dataclasses import dataclass

from netweave.web.events.models import Registration
from netweave.web.events.partners import PartnerView, partner_views
from netweave.web.intros.models import Answers, Digest, FollowUp
from netweave.web.intros.queries.meetings import partners_of

__all__ = [
    "DigestEntry",
    "digest_entries",
    "digest_sent",
    "followed_up_with",
]


@dataclass(frozen=True)
class DigestEntry:
    """One partner in a digest."""

    partner: Registration
    profile: PartnerView
    answers: tuple[tuple[str, str], ...]
    #: the contact answer, only when the partner agreed to share it
    contact: str
    followed_up: bool

    @property
    def answered(self) -> bool:
        return any(a for _, a in self.answers) or bool(self.contact)


def digest_entries(registration: Registration) -> list[DigestEntry]:
    """Each partner of ``registration`` with their answers and shareable contact details."""
    partners = partners_of(registration)
    written = {
        a.author_id: a
        for a in Answers.objects.filter(subject=registration, author__in=[p.pk for p in partners])
    }
    done = followed_up_with(registration)
    entries = []
    for partner, profile in zip(partners, partner_views(registration, partners), strict=True):
        row = written.get(partner.pk)
        answers = tuple(
            (str(a.get("question", "")), str(a.get("answer", "")))
            for a in (row.answers if row else [])
            if str(a.get("answer", "")).strip()
        )
        # a contact detail like the email: shown only when each said yes to the other (the
        # author's tick is one yes, registered with the one rule), so ``profile.email`` is set
        contact = row.contact if row and row.share_contact and profile.email else ""
        if contact.strip().lower() == profile.email.lower():
            contact = ""  # the address is shown once, not as "ana@x · ana@x"
        entries.append(DigestEntry(partner, profile, answers, contact, partner.pk in done))
    return entries


def followed_up_with(registration: Registration) -> set[int]:
    """Registration pks ``registration`` ticked "followed up" for."""
    return set(FollowUp.objects.filter(owner=registration).values_list("partner_id", flat=True))


def digest_sent(registration: Registration) -> bool:
    return Digest.objects.filter(registration=registration, sent_at__isnull=False).exists()
