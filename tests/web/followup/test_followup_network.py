"""The network picture: who met whom, new connections, bridges, layout, SVG and exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import numpy as np
import pytest
from django.urls import reverse

from netweave.web.events.models import Event
from netweave.web.followup.queries.network import (
    build_network,
    kind_of,
    layout,
    network_svg,
    region_of,
)
from tests.web.factories import EventFactory, HeldMeetingFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_years(community):
    """Last year Ana met Bo; this year Ana meets Bo again and Cy (new), all three in a group."""
    last = EventFactory(community=community, status=Event.Status.DONE)
    this = EventFactory(
        community=community,
        starts_at=last.starts_at + dt.timedelta(days=365),
        status=Event.Status.DONE,
    )
    people = {
        "ana": ("Ana", "Open Science Community", "Lisbon, Portugal"),
        "bo": ("Bo", "open science", "Accra, Ghana"),
        "cy": ("Cy", "Data Science Community", ""),
    }
    regs = {}
    for key, (name, manages, location) in people.items():
        regs[key] = RegistrationFactory(
            event=this,
            member__name=name,
            member__manages=manages,
            member__location=location,
            member__timezone="UTC",  # no region from the zone: Cy's region stays unknown
        )
    for key in ("ana", "bo"):
        RegistrationFactory(event=last, member=regs[key].member)
    last_regs = list(last.registrations.order_by("member__name"))
    HeldMeetingFactory(event=last, seats=last_regs)
    HeldMeetingFactory(event=this, seats=[regs["ana"], regs["bo"]])
    HeldMeetingFactory(event=this, round=2, seats=[regs["ana"], regs["cy"]])
    HeldMeetingFactory(event=this, round=0, seats=list(regs.values()))
    return this, regs


def _edge(net, a, b):
    pair = tuple(sorted((a.member_id, b.member_id)))
    return next(e for e in net.edges if (e.a, e.b) == pair)


def test_kind_of_drops_generic_word():
    assert kind_of("Open Science  Community") == kind_of("open science") == "open science"


def test_region_of_country_else_time_zone_area():
    assert [
        region_of("Accra, ghana", "UTC"),
        region_of("NYC, USA", "UTC"),
        region_of("", "Asia/Tokyo"),
    ] == [
        "Ghana",
        "USA",
        "Asia",
    ]


def test_network_new_connection_only_when_first_met(two_years):
    event, regs = two_years
    net = build_network(event)
    new = (_edge(net, regs["ana"], regs["bo"]).new, _edge(net, regs["ana"], regs["cy"]).new)
    assert new == (False, True)


def test_network_counts_new_connections_per_member(two_years):
    event, _regs = two_years
    net = build_network(event)
    assert {n.name: n.new for n in net.nodes} == {"Ana": 1, "Bo": 1, "Cy": 2}


def test_network_group_only_edge_flagged(two_years):
    event, regs = two_years
    assert _edge(build_network(event), regs["bo"], regs["cy"]).group_only


def test_network_bridges_between_different_kinds(two_years):
    event, regs = two_years
    net = build_network(event)
    bridges = {(e.a, e.b) for e in net.bridges("kind")}
    ana_bo = tuple(sorted((regs["ana"].member_id, regs["bo"].member_id)))
    assert (len(bridges), ana_bo in bridges) == (2, False)


def test_network_bridges_by_region_skip_unknown(two_years):
    event, _ = two_years
    assert len(build_network(event).bridges("region")) == 1


def test_network_community_scope_counts_events(two_years):
    event, regs = two_years
    edge = _edge(build_network(event, "community"), regs["ana"], regs["bo"])
    assert edge.times == 2


def test_layout_is_deterministic_and_in_unit_square():
    edges = [(0, 1, 1.0), (1, 2, 1.0), (3, 4, 1.0)]
    first, second = layout(5, edges), layout(5, edges)
    assert np.array_equal(first, second)
    assert first.min() >= 0
    assert first.max() <= 1


def test_layout_keeps_joined_nodes_closer():
    pos = layout(4, [(0, 1, 1.0), (2, 3, 1.0)])
    assert np.linalg.norm(pos[0] - pos[1]) < np.linalg.norm(pos[0] - pos[2])


def test_network_svg_is_accessible_and_escaped(two_years):
    event, regs = two_years
    member = regs["cy"].member
    member.name = "<b>Cy</b>"
    member.save()
    svg = network_svg(build_network(event), "kind")
    assert "<title id=" in svg
    assert "<desc id=" in svg
    assert "<b>Cy" not in svg


def test_network_svg_legend_names_the_colours(two_years):
    svg = network_svg(build_network(two_years[0]), "kind")
    assert "Open science (2)" in svg
    assert "Bridge" in svg


def _export(client, event, **params: str):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return client.get(reverse("orga:insight_export", args=[event.pk]) + "?" + query)


def test_export_csv_nodes(orga_client, two_years):
    event, _ = two_years
    response = _export(orga_client, event, format="csv", table="nodes")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert sorted((r["name"], r["new_connections"]) for r in rows) == [
        ("Ana", "1"),
        ("Bo", "1"),
        ("Cy", "2"),
    ]


def test_export_csv_edges(orga_client, two_years):
    event, _ = two_years
    response = _export(orga_client, event, format="csv", table="edges")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert (len(rows), {r["bridge_kind"] for r in rows}) == (3, {"True", "False"})


def test_export_csv_is_a_download(orga_client, two_years):
    response = _export(orga_client, two_years[0], format="csv")
    assert response["Content-Disposition"].startswith("attachment;")


def test_export_csv_defuses_formulas(orga_client, two_years):
    event, regs = two_years
    member = regs["ana"].member
    member.name = "=HYPERLINK(1)"
    member.save()
    body = _export(orga_client, event, format="csv", table="nodes").content.decode()
    assert "'=HYPERLINK(1)" in body


def test_export_json_nodes_and_edges(orga_client, two_years):
    event, _ = two_years
    data = json.loads(_export(orga_client, event, format="json", scope="community").content)
    assert (len(data["nodes"]), len(data["edges"]), data["scope"]) == (3, 3, "community")


def test_export_for_outsider_404(outsider_client, two_years):
    assert _export(outsider_client, two_years[0], format="json").status_code == 404


def test_export_needs_login(client, two_years):
    assert _export(client, two_years[0], format="json").status_code == 302
