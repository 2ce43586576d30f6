"""Control characters have no place in text (issue 10, finding 13): the forms refuse them
with a message on the field, by the same rule the table import uses."""

from __future__ import annotations

import pytest
from django.urls import reverse

from netweave.web.community.models import Member
from tests.web.factories import EventFactory, MemberFactory

pytestmark = pytest.mark.django_db


def _register(client, event, **answers):
    data = {"name": "Ana Lima", "email": "ana@example.org", "timezone": "UTC", "mode": "live"}
    url = reverse("portal:register", args=[event.community.slug, event.slug])
    return client.post(url, {**data, **answers})


@pytest.mark.parametrize(
    ("field", "value", "what"),
    [
        ("name", "Ana\x00Lima", "Null characters are not allowed"),  # Django's own
        ("name", "Ana\x07Lima", "U+0007"),
        ("name", "Ana\x1b[2JLima", "U+001B, ESC"),
        ("name", "Ana\r\nBcc: eve@attacker.test", "a line break"),
        ("manages", "open\tscience", "a tab"),
        ("about", "I run\x9b onboarding.", "U+009B"),
        ("interests", "mentoring, on\x7fboarding", "U+007F, DEL"),
    ],
)
def test_registration_refuses_control_characters_on_the_field(client, field, value, what):
    event = EventFactory()
    response = _register(client, event, **{field: value})
    assert response.status_code == 200
    assert any(what in error for error in response.context["form"].errors[field])
    assert not Member.objects.filter(community=event.community).exists()


def test_registration_keeps_line_breaks_where_text_has_lines(client):
    event = EventFactory()
    _register(client, event, about="I run onboarding.\r\nAnd mentoring.\tOften.")
    about = Member.objects.get(community=event.community).about
    assert about == "I run onboarding.\r\nAnd mentoring.\tOften."


def test_member_edit_refuses_control_characters_in_tags_and_notes(orga_client, community):
    member = MemberFactory(community=community)
    data = {
        "name": member.name,
        "email": member.email,
        "timezone": "UTC",
        "tags": "speaker; ho\x08st",
        "notes": "Great\x00 host.",
    }
    response = orga_client.post(reverse("orga:member_edit", args=[member.pk]), data)
    errors = response.context["form"].errors
    assert any("U+0008" in e for e in errors["tags"])
    assert "notes" in errors
    member.refresh_from_db()
    assert member.tags != ["speaker", "ho\x08st"]
