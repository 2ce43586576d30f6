"""The organizers' outbox: their community's sent mail, nobody else's."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from netweave.web.mail.models import OutboxMessage
from tests.web.factories import CommunityFactory

pytestmark = pytest.mark.django_db


def _sent(community, **fields) -> OutboxMessage:
    values = {
        "to": "ana@example.org",
        "subject": "You're registered for the forum",
        "body": "Hello Ana, your personal page: https://example.org/p/abc/",
        "kind": "registration",
        **fields,
    }
    return OutboxMessage.objects.create(community=community, **values)


def test_outbox_anonymous_redirected_to_login(client, community):
    response = client.get(reverse("orga:outbox", args=[community.pk]))

    assert response.status_code == 302
    assert reverse("orga:login") in response["Location"]


def test_outbox_other_community_404(outsider_client, community):
    response = outsider_client.get(reverse("orga:outbox", args=[community.pk]))

    assert response.status_code == 404


def test_outbox_lists_own_community_mail(orga_client, community):
    _sent(community, subject="Your link for the forum")

    page = orga_client.get(reverse("orga:outbox", args=[community.pk])).content.decode()

    assert "Your link for the forum" in page
    assert "ana@example.org" in page


def test_outbox_hides_other_community_mail(orga_client, community):
    _sent(CommunityFactory(), subject="Someone else's mail")

    page = orga_client.get(reverse("orga:outbox", args=[community.pk])).content.decode()

    assert "Someone else" not in page


def test_outbox_filters_by_kind(orga_client, community):
    _sent(community, kind="registration", subject="Registered subject")
    _sent(community, kind="link", subject="Link subject")

    url = reverse("orga:outbox", args=[community.pk]) + "?kind=link"
    page = orga_client.get(url).content.decode()

    assert "Link subject" in page
    assert "Registered subject" not in page


def test_outbox_shows_failed_state(orga_client, community):
    _sent(community, state=OutboxMessage.State.FAILED, error="connection refused")

    page = orga_client.get(reverse("orga:outbox", args=[community.pk])).content.decode()

    assert "Failed" in page


def test_outbox_list_query_count_does_not_grow(orga_client, community):
    url = reverse("orga:outbox", args=[community.pk])
    _sent(community)
    with CaptureQueriesContext(connection) as one:
        orga_client.get(url)
    for n in range(30):
        _sent(community, to=f"person{n}@example.org", kind=("link", "registration")[n % 2])

    with CaptureQueriesContext(connection) as many:
        orga_client.get(url)

    assert len(many.captured_queries) == len(one.captured_queries)


def test_outbox_message_shows_body(orga_client, community):
    sent = _sent(community)

    response = orga_client.get(reverse("orga:outbox_message", args=[community.pk, sent.pk]))

    assert "your personal page: https://example.org/p/abc/" in response.content.decode()


def test_outbox_message_escapes_body(orga_client, community):
    sent = _sent(community, body="<b>bold</b>")

    response = orga_client.get(reverse("orga:outbox_message", args=[community.pk, sent.pk]))

    assert "&lt;b&gt;bold&lt;/b&gt;" in response.content.decode()


def test_outbox_message_of_other_community_404(orga_client, community):
    sent = _sent(CommunityFactory())

    response = orga_client.get(reverse("orga:outbox_message", args=[community.pk, sent.pk]))

    assert response.status_code == 404


def test_outbox_message_outsider_404(outsider_client, community):
    sent = _sent(community)

    response = outsider_client.get(reverse("orga:outbox_message", args=[community.pk, sent.pk]))

    assert response.status_code == 404
