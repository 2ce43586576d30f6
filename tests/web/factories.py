"""factory_boy factories for the web models: real rows in the test database, no mocks."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from netweave.web.community.models import Community, Member
from netweave.web.events.models import Event, Registration

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"organizer{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy's hook signature
        if create:
            obj.save()


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Community {n}")
    slug = factory.Sequence(lambda n: f"community-{n}")

    @factory.post_generation
    def organizers(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            obj.organizers.add(*extracted)


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"Member {n}")
    email = factory.Sequence(lambda n: f"member{n}@example.org")
    timezone = "Europe/London"
    manages = "data science community"
    interests = factory.LazyFunction(lambda: ["onboarding", "mentoring"])
    about = "I run a data science community and care about onboarding."


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    community = factory.SubFactory(CommunityFactory)
    title = factory.Sequence(lambda n: f"Networking forum {n}")
    slug = factory.Sequence(lambda n: f"forum-{n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=14))
    timezone = "America/New_York"
    rounds = 3
    status = Event.Status.OPEN


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    member = factory.SubFactory(MemberFactory, community=factory.SelfAttribute("..event.community"))
    mode = Registration.Mode.LIVE
    looking_for = "Someone who knows about volunteer management."


# --------------------------------------------------------------------------- plans (matching)

from netweave.core import plan as core  # noqa: E402  (plain values, no models)


class ForbiddenPairFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "matching.ForbiddenPair"

    event = factory.SubFactory(EventFactory)
    a = factory.SubFactory(RegistrationFactory, event=factory.SelfAttribute("..event"))
    b = factory.SubFactory(RegistrationFactory, event=factory.SelfAttribute("..event"))


def example_registrations(event: Event | None = None, live: int = 8) -> list[Registration]:
    """``live`` live registrations, then one async one (the last), in one event."""
    event = event or EventFactory()
    regs = RegistrationFactory.create_batch(live, event=event)
    return [*regs, RegistrationFactory(event=event, mode=Registration.Mode.ASYNC)]


def example_plan(regs: list[Registration]) -> core.Plan:
    """A realistic plan over :func:`example_registrations` (8 live, then 1 async) that keeps
    every rule: a trio, a host meeting, async meetings without a room, a pinned meeting,
    groups with a remote member and a pinned group, an unmatched entry and metrics."""
    ids = [r.member.email.lower() for r in regs]
    live, a = ids[:8], ids[8]
    why = ("You both work on mentoring", "Both in the Europe/London time zone")
    round_1 = (
        core.Meeting("Room 1", (live[0], live[1], live[2]), 7.25, why),
        core.Meeting("Room 2", (live[3], live[4]), 5.5, why[:1], pinned=True),
        core.Meeting("Room 3", (live[5], live[6]), 4.0),
        core.Meeting(None, (live[7], a), 3.125, why, is_async=True),
    )
    round_2 = (
        core.Meeting("Room 1", (live[0], live[3]), 4.5, why),
        core.Meeting("Room 2", (live[1], live[4]), 4.0, why),
        core.Meeting("Room 3", (live[2], live[5]), 3.0),
        core.Meeting("Room 4", (live[7],), 0.0, ("You meet the host this round",)),
        core.Meeting(None, (live[6], a), 2.0, why[1:], is_async=True),
    )
    return core.Plan(
        participants=tuple(
            core.Participant(r.member.email.lower(), r.member.name, r.mode) for r in regs
        ),
        rounds=(core.Round(1, round_1), core.Round(2, round_2)),
        groups=(
            core.Group("Group 1", tuple(live[:4]), "mentoring", 12.5, why, remote=(a,)),
            core.Group("Group 2", tuple(live[4:]), "onboarding", 11.0, why[:1], pinned=True),
        ),
        unmatched=(core.Unmatched(0, a, "async: follows the groups on their pages"),),
        metrics={
            "people": 9,
            "trios": 1,
            "host_meetings": 1,
            "unmatched": 0,
            "mutual_requests": 1,
            "mutual_requests_met": 1,
            "one_way_requests": 2,
            "one_way_requests_met": 1,
            "unmet_requests": [{"asker": live[5], "asked": live[0], "why": "both were full"}],
            "worst_off_share": 0.75,
            "total_score": 33.375,
            "upper_bound": 35.0,
            "quality_pct": 95.36,
            "group_sizes": {"4": 2},
            "seed": 0,
        },
    )


# ---------------------------------------------- published plans, as participants see them (portal)


def _seat(obj, create, extracted, **kwargs) -> None:
    """``seats=[reg, reg]`` seats those registrations, in that order (meetings and groups)."""
    if create and extracted:
        for position, registration in enumerate(extracted):
            obj.seats.create(registration=registration, position=position)


class PlanVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "matching.PlanVersion"

    event = factory.SubFactory(EventFactory)
    number = factory.Sequence(lambda n: n + 1)
    state = "ready"


class MeetingFactory(factory.django.DjangoModelFactory):
    """A meeting; ``seats=[reg, reg]`` seats those registrations in that order."""

    class Meta:
        model = "matching.Meeting"
        skip_postgeneration_save = True

    plan = factory.SubFactory(PlanVersionFactory)
    round = 1
    room = "Room 1"
    reasons = factory.LazyFunction(lambda: ["You both care about onboarding"])

    seats = factory.PostGeneration(_seat)


class GroupFactory(factory.django.DjangoModelFactory):
    """A small group; ``seats=[reg, ...]`` puts those registrations in it."""

    class Meta:
        model = "matching.Group"
        skip_postgeneration_save = True

    plan = factory.SubFactory(PlanVersionFactory)
    room = factory.Sequence(lambda n: f"Group {n + 1}")
    theme = "mentoring"

    seats = factory.PostGeneration(_seat)


# ----------------------- follow-up (followup); HeldMeetingFactory is with the live day's factories


class StayInTouchFactory(factory.django.DjangoModelFactory):
    """``from_registration`` wishes to stay in touch with ``to_registration`` after ``meeting``."""

    class Meta:
        model = "followup.StayInTouch"

    meeting = factory.SubFactory("tests.web.factories.HeldMeetingFactory")
    from_registration = factory.SubFactory(
        RegistrationFactory, event=factory.SelfAttribute("..meeting.event")
    )
    to_registration = factory.SubFactory(
        RegistrationFactory, event=factory.SelfAttribute("..meeting.event")
    )


class MeetingFeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "followup.MeetingFeedback"

    meeting = factory.SubFactory("tests.web.factories.HeldMeetingFactory")
    registration = factory.SubFactory(
        RegistrationFactory, event=factory.SelfAttribute("..meeting.event")
    )
    valuable = 4


class EventFeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "followup.EventFeedback"

    registration = factory.SubFactory(RegistrationFactory)
    overall = 4


# -------------------------------------------------------------------- async participation (intros)

import struct  # noqa: E402


def mp4_bytes(seconds: float = 30.0, *, timescale: int = 1000, brand: bytes = b"isom") -> bytes:
    """A tiny MP4 as cameras write it: ``ftyp``, ``moov`` with an ``mvhd`` saying how long
    it is, then ``mdat`` (a few bytes of "media")."""
    ftyp = struct.pack(">I4s4sI4s", 20, b"ftyp", brand, 0x200, brand)
    header = struct.pack(">B3xIIII", 0, 0, 0, timescale, round(seconds * timescale))
    mvhd = struct.pack(">I4s", 8 + len(header) + 80, b"mvhd") + header + bytes(80)
    moov = struct.pack(">I4s", 8 + len(mvhd), b"moov") + mvhd
    mdat = struct.pack(">I4s", 8 + 64, b"mdat") + bytes(64)
    return ftyp + moov + mdat


def webm_bytes(seconds: float | None = None) -> bytes:
    """A tiny WebM: EBML header, a Segment of unknown size (as browsers record), an Info with
    a Duration element only when ``seconds`` is given (MediaRecorder writes none), a Cluster."""
    doc_type = b"\x42\x82\x84webm"
    ebml = b"\x1a\x45\xdf\xa3" + bytes([0x80 | len(doc_type)]) + doc_type
    info_body = b"\x2a\xd7\xb1\x83\x0f\x42\x40"  # TimecodeScale: 1,000,000 ns (1 ms)
    if seconds is not None:
        info_body += b"\x44\x89\x88" + struct.pack(">d", seconds * 1000)
    info = b"\x15\x49\xa9\x66" + bytes([0x80 | len(info_body)]) + info_body
    cluster = b"\x1f\x43\xb6\x75\x01\xff\xff\xff\xff\xff\xff\xff" + bytes(32)
    return ebml + b"\x18\x53\x80\x67\x01\xff\xff\xff\xff\xff\xff\xff" + info + cluster


class IntroSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "intros.IntroSettings"

    event = factory.SubFactory(EventFactory)


class IntroFactory(factory.django.DjangoModelFactory):
    """A written intro; tests that need a video upload one through the page."""

    class Meta:
        model = "intros.Intro"

    registration = factory.SubFactory(RegistrationFactory, mode=Registration.Mode.ASYNC)
    text = "Hello! I run a volunteer community in Melbourne and love onboarding."


class AnswersFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "intros.Answers"

    subject = factory.SubFactory(RegistrationFactory, mode=Registration.Mode.ASYNC)
    author = factory.SubFactory(RegistrationFactory, event=factory.SelfAttribute("..subject.event"))
    answers = factory.LazyFunction(
        lambda: [{"question": "What could you two talk about?", "answer": "Onboarding."}]
    )


# --------------------------------------------------------------------------- the live day (live)


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "live.Attendance"

    registration = factory.SubFactory(RegistrationFactory)
    status = "present"


class HeldMeetingFactory(factory.django.DjangoModelFactory):
    """A meeting that happened; ``seats=[reg, reg]`` seats those registrations in order."""

    class Meta:
        model = "live.HeldMeeting"
        skip_postgeneration_save = True

    event = factory.SubFactory(EventFactory)
    round = 1
    room = "Room 1"
    reasons = factory.LazyFunction(lambda: ["You both care about onboarding"])

    seats = factory.PostGeneration(_seat)


def talking_pair(event: Event, ana_zone: str, ben_zone: str) -> SimpleNamespace:
    """Kofi (async, Melbourne) and Ana met in ``event``'s published plan and she answered his
    form, so the two may talk; Ben shares their group. Returns event, kofi, ana, ben."""
    kofi = RegistrationFactory(
        event=event,
        mode=Registration.Mode.ASYNC,
        member__timezone="Australia/Melbourne",
        member__name="Kofi",
    )
    ana = RegistrationFactory(event=event, member__name="Ana", member__timezone=ana_zone)
    ben = RegistrationFactory(event=event, member__name="Ben", member__timezone=ben_zone)
    plan = PlanVersionFactory(event=event, published_at=timezone.now())
    MeetingFactory(plan=plan, round=1, room=None, is_async=True, seats=[ana, kofi])
    GroupFactory(plan=plan, seats=[kofi, ana, ben])
    AnswersFactory(subject=kofi, author=ana)
    return SimpleNamespace(event=event, kofi=kofi, ana=ana, ben=ben)


def published_example(
    event: Event | None = None, *, intro: bool = True
) -> tuple[list[Registration], object]:
    """:func:`example_registrations` with :func:`example_plan` saved and published; returns
    the registrations (8 live, then 1 async) and the published PlanVersion. The async person
    has a written intro unless ``intro`` is False (their partners have something to watch)."""
    from netweave.web.matching.domain.publish import publish_plan
    from netweave.web.matching.domain.storage import save_plan

    regs = example_registrations(event)
    if intro:
        IntroFactory(registration=regs[-1])
    version = publish_plan(save_plan(regs[0].event, example_plan(regs), note="Generated"))
    return regs, version


# --------------------------------------------------------------------------- email


#: paths of the links only an inbox gets, for :func:`emailed_path`
PERSONAL_LINK = r"/p/[^/\s]+/"
CONFIRM_LINK = r"/confirm/[^/\s]+/"
PRIVACY_LINK = r"/privacy/[^/\s]+/"


def emailed_path(messages: list, path: str, to: str | None = None) -> str:
    """The path of the last link whose whole path matches the regex ``path`` (e.g.
    :data:`CONFIRM_LINK`) in the emails ``messages`` (Django's ``mail.outbox``), optionally
    only those to ``to``: how a test follows a link that only an inbox gets."""
    link = re.compile(rf"https?://[^/\s]+({path})(?=\s|$)", re.MULTILINE)
    found = [
        match.group(1)
        for m in messages
        if to is None or to in m.to
        for match in link.finditer(m.body)
    ]
    assert found, f"no link like {path} in {len(messages)} email(s)"
    return found[-1]
