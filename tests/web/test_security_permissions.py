"""The permission matrix: every URL pattern of the project, requested as anonymous, as an
organizer of another community and (token pages) with another participant's link.

Patterns are found by walking the URL resolver, so a new page is covered the day it is
added; a pattern whose arguments this test cannot build fails until it is listed in
``CANNOT_BUILD`` with a reason. The resulting matrix is in docs/security.md.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from netweave.web.common.onetime import arm
from netweave.web.events.models import Event, RegistrationRequest
from netweave.web.intros.models import Post
from netweave.web.mail.domain import preferences_token
from netweave.web.mail.models import OutboxMessage
from netweave.web.matching.models import Group, Meeting
from netweave.web.privacy.models import PrivacyConfirmation
from tests.web.factories import (
    CommunityFactory,
    EventFactory,
    ForbiddenPairFactory,
    RegistrationFactory,
    UserFactory,
    published_example,
)

pytestmark = pytest.mark.django_db

UNKNOWN_TOKEN = "no-such-link-0123456789abcdefghijklmn"

#: open to everyone
PUBLIC = {
    "portal:home",
    "portal:register",
    "portal:register_sent",
    "portal:resend",
    "portal:resend_sent",
}
PUBLIC_ORGA = {"orga:login"}
#: per-member email links (preferences, unsubscribe): a signed member token, not a
#: registration's, so "another participant" means another member's signed token
EMAIL_TOKEN = {"portal:email_preferences", "portal:email_unsubscribe"}
#: single-use confirmation links (netweave.web.common.onetime): a secret emailed to the owner of an
#: address, for one pending request or privacy action
EMAILED_SECRET = {
    "portal:registration_confirm": "registration",
    "portal:privacy_confirm": "privacy",
}
#: patterns that are not an access question, each with the reason
SPECIAL = {
    "orga:logout": "POST only; signing out needs no permission",
    "admin:login": "Django admin's sign-in form, public by design",
    "admin:logout": "Django admin's sign-out, POST only",
    "admin:view_on_site": "Django's content-type shortcut: redirects to an object's public "
    "URL; no model of ours has one, so it answers 404 for everyone",
}
#: patterns whose arguments cannot be built here; none so far
CANNOT_BUILD: dict[str, str] = {}
#: arguments that name an object of the first participant's event (another participant
#: holding their own link must not reach these)
OBJECT_ARGS = {"partner_pk", "owner_pk", "meeting_pk", "post_pk"}


@dataclass(frozen=True)
class Pattern:
    name: str
    route: str
    args: tuple[str, ...]

    @property
    def group(self) -> str:
        if self.name in SPECIAL:
            return "special"
        if self.name in PUBLIC or self.name in PUBLIC_ORGA:
            return "public"
        if self.name in EMAIL_TOKEN:
            return "email-token"
        if self.name in EMAILED_SECRET:
            return "emailed-secret"
        if self.name.startswith("admin:"):
            return "admin"
        if "token" in self.args:
            return "token"
        if self.name.startswith("orga:"):
            return "orga"
        return "unclassified"


def _walk(patterns: list, prefix: str = "", namespace: str = "") -> list[Pattern]:
    found: list[Pattern] = []
    for p in patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            ns = namespace + (f"{p.namespace}:" if p.namespace else "")
            found += _walk(p.url_patterns, route, ns)
        elif isinstance(p, URLPattern) and p.name:
            args = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)
            names = tuple(a or b for a, b in args)
            found.append(Pattern(namespace + p.name, route, names))
    return found


PATTERNS = _walk(get_resolver().url_patterns)


def _by_group(group: str) -> list[Pattern]:
    return [p for p in PATTERNS if p.group == group and p.name not in CANNOT_BUILD]


def _ids(patterns: list[Pattern]) -> list[str]:
    return [p.name for p in patterns]


# --------------------------------------------------------------------------- the world


@dataclass
class World:
    kwargs: dict[str, object]
    owner_name: str
    community_name: str
    other_token: str
    stranger_token: str
    other_member_token: str
    #: a working secret of each kind, by EMAILED_SECRET's value
    secrets: dict[str, str]


@pytest.fixture
def world(organizer, community) -> World:
    event = EventFactory(community=community, rounds=2, status=Event.Status.OPEN)
    regs, version = published_example(event)
    meeting = Meeting.objects.filter(plan=version, seats__registration=regs[0]).first()
    group = Group.objects.filter(plan=version).first()
    assert meeting is not None
    assert group is not None
    pair = ForbiddenPairFactory(event=event, a=regs[6], b=regs[7])
    message = OutboxMessage.objects.create(
        community=community, to=regs[0].member.email, subject="Your link", body="..."
    )
    other = RegistrationFactory()  # another participant: another community's event
    # a message of the owner on their group's thread
    own_group = Group.objects.get(plan=version, seats__registration=regs[0])
    post = Post.objects.create(group=own_group, author=regs[0], text="Hello group")
    kwargs = {
        "community_pk": community.pk,
        "event_pk": event.pk,
        "registration_pk": regs[0].pk,
        "member_pk": regs[0].member.pk,
        "number": version.number,
        "pair_pk": pair.pk,
        "meeting_pk": meeting.pk,
        "group_pk": group.pk,
        "pk": message.pk,
        "token": regs[0].token,
        "partner_pk": regs[1].pk,
        "owner_pk": regs[1].pk,
        "post_pk": post.pk,
        "which": "video",
        "community_slug": community.slug,
        "event_slug": event.slug,
        "app_label": "auth",
        "object_id": str(organizer.pk),
        "id": str(organizer.pk),
        "content_type_id": "1",
        "secret": UNKNOWN_TOKEN,
    }
    return World(
        kwargs=kwargs,
        owner_name=regs[0].member.name,
        community_name=community.name,
        other_token=other.token,
        stranger_token=_stranger(regs, meeting).token,
        other_member_token=preferences_token(other.member),
        secrets=_secrets(event, regs[0].member),
    )


def _secrets(event: Event, member) -> dict[str, str]:
    request = RegistrationRequest.objects.create(event=event, email=member.email, answers={})
    privacy = PrivacyConfirmation.objects.create(member=member, action="download")
    hour = dt.timedelta(hours=1)
    return {"registration": arm(request, hour), "privacy": arm(privacy, hour)}


def _stranger(regs: list, meeting: Meeting):
    """Someone of the same event who neither meets nor shares a small group with the first
    two people (regs[0] owns the link, regs[1] is named in object arguments)."""
    near = set()
    for model in (Meeting, Group):
        shared = model.objects.filter(seats__registration__in=regs[:2]).values("pk")
        # a second query: reusing the filter's join would list only regs[:2] themselves
        seats = model.objects.filter(pk__in=shared).values_list("seats__registration", flat=True)
        near |= set(seats)
    return next(r for r in regs[2:] if r.pk not in near)


def _url(pattern: Pattern, world: World, **override: object) -> str:
    kwargs = {name: override.get(name, world.kwargs[name]) for name in pattern.args}
    return reverse(pattern.name, kwargs=kwargs)


def _request(client, url: str):
    """GET, or POST (empty) where the page only takes POSTs."""
    response = client.get(url)
    return client.post(url) if response.status_code == 405 else response


@pytest.fixture
def other_organizer_client(client):
    other = UserFactory()
    CommunityFactory(organizers=[other])
    client.force_login(other)
    return client


# --------------------------------------------------------------------------- completeness


def test_every_pattern_is_classified():
    assert [p.name for p in PATTERNS if p.group == "unclassified"] == []


def test_every_pattern_argument_can_be_built(world):
    missing = {
        p.name: [a for a in p.args if a not in world.kwargs]
        for p in PATTERNS
        if p.name not in CANNOT_BUILD
    }
    assert {name: args for name, args in missing.items() if args} == {}


def test_special_patterns_exist():
    """The exceptions name real patterns (a renamed page must not hide behind one)."""
    names = {p.name for p in PATTERNS}
    assert set(SPECIAL) | set(CANNOT_BUILD) <= names


# --------------------------------------------------------------------------- organizer pages


@pytest.mark.parametrize("pattern", _by_group("orga"), ids=_ids(_by_group("orga")))
def test_orga_page_anonymous_redirects_to_login(client, world, pattern):
    response = _request(client, _url(pattern, world))

    assert response.status_code == 302
    assert response.url.startswith(reverse("orga:login"))


_OWN_DATA_ONLY = {"orga:dashboard"}  # lists the viewer's own communities, takes no object
_ORGA_OBJECT = [p for p in _by_group("orga") if p.name not in _OWN_DATA_ONLY]


@pytest.mark.parametrize("pattern", _ORGA_OBJECT, ids=_ids(_ORGA_OBJECT))
def test_orga_page_other_organizer_is_404(other_organizer_client, world, pattern):
    assert _request(other_organizer_client, _url(pattern, world)).status_code == 404


def test_orga_dashboard_other_organizer_sees_only_their_own(other_organizer_client, world):
    response = other_organizer_client.get(reverse("orga:dashboard"))

    assert response.status_code == 200
    assert world.community_name not in response.content.decode()


# --------------------------------------------------------------------------- participant pages


_TOKEN = _by_group("token")
_TOKEN_OBJECT = [p for p in _TOKEN if OBJECT_ARGS & set(p.args)]


@pytest.mark.parametrize("pattern", _TOKEN, ids=_ids(_TOKEN))
def test_token_page_unknown_token_is_404(client, world, pattern):
    assert _request(client, _url(pattern, world, token=UNKNOWN_TOKEN)).status_code == 404


@pytest.mark.parametrize("pattern", _TOKEN_OBJECT, ids=_ids(_TOKEN_OBJECT))
def test_token_page_other_participant_is_404(client, world, pattern):
    url = _url(pattern, world, token=world.other_token)

    assert _request(client, url).status_code == 404


@pytest.mark.parametrize("pattern", _TOKEN_OBJECT, ids=_ids(_TOKEN_OBJECT))
def test_token_page_same_event_stranger_is_404(client, world, pattern):
    """Someone of the same event who never meets the owner: their link opens no one else's
    intro, answers or meeting."""
    url = _url(pattern, world, token=world.stranger_token)

    assert _request(client, url).status_code == 404


@pytest.mark.parametrize("pattern", _TOKEN, ids=_ids(_TOKEN))
def test_token_page_other_participant_never_sees_the_owner(client, world, pattern):
    response = _request(client, _url(pattern, world, token=world.other_token))

    assert response.status_code < 500
    assert world.owner_name not in response.content.decode()


@pytest.mark.parametrize("pattern", _TOKEN, ids=_ids(_TOKEN))
def test_token_page_organizer_of_other_community_gains_nothing(
    other_organizer_client, world, pattern
):
    """A session does not open participant pages: only the link does."""
    url = _url(pattern, world, token=UNKNOWN_TOKEN)

    assert _request(other_organizer_client, url).status_code == 404


_EMAIL = _by_group("email-token")


@pytest.mark.parametrize("pattern", _EMAIL, ids=_ids(_EMAIL))
def test_email_link_unknown_token_is_404(client, world, pattern):
    assert _request(client, _url(pattern, world, token=UNKNOWN_TOKEN)).status_code == 404


@pytest.mark.parametrize("pattern", _EMAIL, ids=_ids(_EMAIL))
def test_email_link_other_member_never_sees_the_owner(client, world, pattern):
    response = client.get(_url(pattern, world, token=world.other_member_token))

    assert response.status_code == 200
    assert world.owner_name not in response.content.decode()


_SECRET = _by_group("emailed-secret")


@pytest.mark.parametrize("pattern", _SECRET, ids=_ids(_SECRET))
def test_emailed_link_unknown_secret_is_404(client, world, pattern):
    assert _request(client, _url(pattern, world)).status_code == 404


@pytest.mark.parametrize("pattern", _SECRET, ids=_ids(_SECRET))
def test_emailed_link_opens_with_its_secret(client, world, pattern):
    secret = world.secrets[EMAILED_SECRET[pattern.name]]

    assert client.get(_url(pattern, world, secret=secret)).status_code == 200


@pytest.mark.parametrize("pattern", _SECRET, ids=_ids(_SECRET))
def test_emailed_link_secret_of_another_kind_is_404(client, world, pattern):
    """A registration confirmation never opens a data download, nor the other way round."""
    other = next(v for k, v in world.secrets.items() if k != EMAILED_SECRET[pattern.name])

    assert _request(client, _url(pattern, world, secret=other)).status_code == 404


@pytest.mark.parametrize("pattern", _SECRET, ids=_ids(_SECRET))
def test_emailed_link_personal_token_is_404(client, world, pattern):
    """A personal link's token is no confirmation: a forwarded link confirms nothing."""
    token = world.kwargs["token"]

    assert _request(client, _url(pattern, world, secret=token)).status_code == 404


# --------------------------------------------------------------------------- public and admin


_PUBLIC = _by_group("public")


@pytest.mark.parametrize("pattern", _PUBLIC, ids=_ids(_PUBLIC))
def test_public_page_anonymous_is_200(client, world, pattern):
    assert client.get(_url(pattern, world)).status_code == 200


_ADMIN = _by_group("admin")


@pytest.mark.parametrize("pattern", _ADMIN, ids=_ids(_ADMIN))
def test_admin_page_anonymous_redirects_to_admin_login(client, world, pattern):
    response = client.get(_url(pattern, world))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


@pytest.mark.parametrize("pattern", _ADMIN, ids=_ids(_ADMIN))
def test_admin_page_organizer_redirects_to_admin_login(other_organizer_client, world, pattern):
    """Organizers are not staff: the Django admin is for the site's operators only."""
    response = other_organizer_client.get(_url(pattern, world))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


@pytest.mark.parametrize("pattern", [pytest.param(p, id=p.name) for p in _TOKEN])
def test_token_page_expired_link_is_404(client, world, pattern, settings):
    settings.NETWEAVE_LINK_DAYS_AFTER_EVENT = 1
    Event.objects.filter(pk=world.kwargs["event_pk"]).update(
        starts_at=timezone.now() - dt.timedelta(days=2)
    )

    assert _request(client, _url(pattern, world)).status_code == 404
