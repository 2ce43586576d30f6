"""factory_boy factories for the web models: real rows in the test database, no mocks."""

from __future__ import annotations

import datetime as dt

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
