"""The network picture: who met whom at an event, or across all the community's events.

Built from held meetings only (the organizer's own record of who met whom), never from
feedback. Nodes are members, coloured by the kind of community they manage or by their
region; an edge is a pair who met. A *bridge* is an edge between two different colours: a
connection across sub-communities. *New* connections are pairs who met for the first time at
the event in focus.

The layout is computed here with numpy (a force-directed layout, Fruchterman-Reingold, from
a fixed start), so the same meetings always give the same picture, and it is drawn as SVG on
the server.

>>> pos = layout(3, [(0, 1, 1.0), (1, 2, 1.0)])
>>> pos.shape, bool(((pos >= 0) & (pos <= 1)).all())
((3, 2), True)
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from netweave.web.community.models import Member
from netweave.web.events.models import Event, Registration
from netweave.web.followup.queries.held import event_is_over
from netweave.web.live.queries.met import meetings_by_event
from netweave.web.matching.domain.planned import meeting_pairs

__all__ = [
    "COLOURINGS",
    "SCOPES",
    "Edge",
    "Network",
    "Node",
    "build_network",
    "edge_rows",
    "kind_of",
    "layout",
    "network_svg",
    "node_rows",
    "region_of",
]

SCOPES = ("event", "community")
COLOURINGS = ("kind", "region")
#: Okabe-Ito: distinguishable with every kind of colour vision; the rest are "other"
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
OTHER, UNKNOWN = "#8c959f", "#d0d7de"
BRIDGE, EDGE, EARLIER = "#1f2328", "#8c959f", "#d8dee4"

#: a member's place in the drawing, by member pk
Place = Callable[[int], tuple[float, float]]

_GENERIC_TAIL = re.compile(r"\s+(community|communities)$")


def kind_of(manages: str) -> str:
    """``"Data Science  Community"`` -> ``"data science"``: the kind of community, as the
    planner compares it ("" when not given)."""
    text = " ".join(manages.split()).casefold()
    return _GENERIC_TAIL.sub("", text)


def region_of(location: str, tz: str) -> str:
    """The country (last comma part of the location), else the time zone's area."""
    if location.strip():
        country = " ".join(location.split(",")[-1].split())
        # "ghana" -> "Ghana", but "USA" and "São Tomé" stay as written
        return country.title() if country == country.lower() else country
    return tz.split("/")[0] if "/" in tz else ""


@dataclass(frozen=True, slots=True)
class Node:
    member_pk: int
    name: str
    kind: str
    region: str
    #: people met in the picture's scope
    connections: int
    #: people met for the first time at the event in focus
    new: int
    #: events (in scope) at which this member met someone
    events: int

    def group(self, colouring: str) -> str:
        return self.kind if colouring == "kind" else self.region


@dataclass(frozen=True, slots=True)
class Edge:
    a: int
    b: int
    #: events at which the two met
    times: int
    first_event_pk: int
    at_event: bool
    new: bool
    #: they met only in a small group, never one-on-one
    group_only: bool


@dataclass(frozen=True)
class Network:
    event: Event
    scope: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    #: event pk -> title, for the events the edges come from
    events: dict[int, str]

    def node(self, member_pk: int) -> Node:
        return self._by_pk[member_pk]

    @cached_property
    def _by_pk(self) -> dict[int, Node]:
        return {n.member_pk: n for n in self.nodes}

    def bridges(self, colouring: str) -> list[Edge]:
        by_pk = self._by_pk
        return [e for e in self.edges if _is_bridge(by_pk[e.a], by_pk[e.b], colouring)]

    def colours(self, colouring: str) -> dict[str, str]:
        """Group -> colour: the seven biggest groups get a colour, the rest share grey."""
        sizes = Counter(n.group(colouring) for n in self.nodes if n.group(colouring))
        ranked = sorted(sizes, key=lambda g: (-sizes[g], g))
        return {g: PALETTE[k] if k < len(PALETTE) else OTHER for k, g in enumerate(ranked)}


def _is_bridge(a: Node, b: Node, colouring: str) -> bool:
    ga, gb = a.group(colouring), b.group(colouring)
    return bool(ga and gb and ga != gb)


# --------------------------------------------------------------------------- building


def _events_in_view(event: Event) -> list[Event]:
    """The community's events up to ``event`` that are over, and ``event`` itself."""
    events = Event.objects.filter(
        community_id=event.community_id, starts_at__lte=event.starts_at
    ).order_by("starts_at", "pk")
    return [e for e in events if e.pk == event.pk or event_is_over(e)]


def _pairs_by_event(events: Sequence[Event]) -> dict[tuple[int, int], dict[int, bool]]:
    """(member, member) -> {event pk: met one-on-one there (else only in a group)}, by the
    rule of :mod:`netweave.web.live.queries.met`."""
    member = dict(Registration.objects.filter(event__in=events).values_list("pk", "member_id"))
    pairs: dict[tuple[int, int], dict[int, bool]] = defaultdict(dict)
    for event_pk, rounds in meetings_by_event(events, groups=True).items():
        for number, meetings in rounds.items():
            for a, b in meeting_pairs([member[r] for r in m] for m in meetings):
                met = pairs[a, b]
                met[event_pk] = met.get(event_pk, False) or number > 0
    return pairs


def build_network(event: Event, scope: str = "event") -> Network:
    """Who met whom at ``event`` (``scope="event"``) or at all the community's events up to
    it (``"community"``), with each member's new connections made at ``event``."""
    events = _events_in_view(event)
    order = {e.pk: k for k, e in enumerate(events)}
    pairs = _pairs_by_event(events)
    edges = []
    for (a, b), met in sorted(pairs.items()):
        first = min(met, key=order.__getitem__)
        at_event = event.pk in met
        if scope == "event" and not at_event:
            continue
        edges.append(
            Edge(a, b, len(met), first, at_event, first == event.pk, not any(met.values()))
        )
    return Network(
        event=event,
        scope=scope,
        nodes=_nodes(edges, pairs, event.pk, scope),
        edges=tuple(edges),
        events={e.pk: e.title for e in events},
    )


def _nodes(
    edges: Sequence[Edge], pairs: dict[tuple[int, int], dict[int, bool]], focus: int, scope: str
) -> tuple[Node, ...]:
    connections: Counter[int] = Counter()
    new: Counter[int] = Counter()
    for e in edges:
        connections.update((e.a, e.b))
        if e.new:
            new.update((e.a, e.b))
    attended: dict[int, set[int]] = defaultdict(set)
    for (a, b), met in pairs.items():
        for event_pk in met:
            if scope == "community" or event_pk == focus:
                attended[a].add(event_pk)
                attended[b].add(event_pk)
    members = Member.objects.filter(pk__in=connections).order_by("pk")
    return tuple(
        Node(
            member_pk=m.pk,
            name=m.name,
            kind=kind_of(m.manages),
            region=region_of(m.location, m.timezone),
            connections=connections[m.pk],
            new=new[m.pk],
            events=len(attended[m.pk]),
        )
        for m in members.only("pk", "name", "manages", "location", "timezone")
    )


# --------------------------------------------------------------------------- layout


def layout(
    n: int, edges: Sequence[tuple[int, int, float]], *, iterations: int | None = None
) -> np.ndarray:
    """Positions in the unit square for ``n`` nodes joined by ``(i, j, weight)`` edges.

    Fruchterman-Reingold: every two nodes repel (``k²/d``), joined nodes attract
    (``w·d²/k``), a weak pull to the centre keeps separate clusters in view, and the step
    shrinks each iteration. It starts from a golden-angle spiral, not from random points, so
    it is deterministic. Each iteration is ``O(n²)`` in time and memory; iterations drop
    from 300 as ``n`` grows so that 1,000 people take about a second.
    """
    if n == 0:
        return np.zeros((0, 2))
    if n == 1:
        return np.full((1, 2), 0.5)
    steps = iterations or int(np.clip(40_000_000 / n**2, 40, 300))
    k = math.sqrt(1.0 / n)
    pull = np.zeros((n, n))
    for i, j, w in edges:
        pull[i, j] += w
        pull[j, i] += w
    angle = np.arange(n) * math.pi * (3 - math.sqrt(5))
    radius = np.sqrt((np.arange(n) + 0.5) / n) / 2
    pos = 0.5 + np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    heat = 0.1
    for _ in range(steps):
        delta = pos[:, None, :] - pos[None, :, :]
        dist = np.maximum(np.linalg.norm(delta, axis=-1), 1e-3)
        np.fill_diagonal(dist, 1.0)
        coeff = k * k / dist**2 - pull * dist / k
        np.fill_diagonal(coeff, 0.0)
        move = np.einsum("ij,ijk->ik", coeff, delta) - 0.05 * (pos - 0.5) * n * k
        length = np.maximum(np.linalg.norm(move, axis=1, keepdims=True), 1e-9)
        pos += move / length * np.minimum(length, heat)
        heat = max(heat * 0.97, 0.002)
    return _fit(pos)


def _fit(pos: np.ndarray) -> np.ndarray:
    """Scaled into the unit square, the aspect kept."""
    low = pos.min(axis=0)
    span = float((pos.max(axis=0) - low).max()) or 1.0
    out = (pos - low) / span
    return out + (1 - out.max(axis=0)) / 2


def _positions(net: Network) -> dict[int, tuple[float, float]]:
    index = {n.member_pk: k for k, n in enumerate(net.nodes)}
    edges = [(index[e.a], index[e.b], 1.0 + 0.5 * (e.times - 1)) for e in net.edges]
    # the layout only depends on the graph: cache it, since pages are viewed repeatedly
    key = hashlib.sha256(repr((len(index), edges)).encode()).hexdigest()
    pos = cache.get(f"netweave:layout:{key}")
    if pos is None:
        pos = layout(len(index), edges).round(4).tolist()
        cache.set(f"netweave:layout:{key}", pos, 24 * 3600)
    return {pk: (pos[k][0], pos[k][1]) for pk, k in index.items()}


# --------------------------------------------------------------------------- drawing


def _label(group: str) -> str:
    return group[:1].upper() + group[1:] if group else "Not known"


def network_svg(net: Network, colouring: str, chart_id: str = "network") -> SafeString:
    """The picture as SVG, with its legend, a ``<title>`` per person and a ``<desc>``."""
    width, plot, margin = 720, 520, 24
    colours = net.colours(colouring)
    legend = _legend(net, colouring, colours)
    height = plot + 24 + 22 * len(legend)
    pos = _positions(net)

    def at(pk: int) -> tuple[float, float]:
        x, y = pos[pk]
        return margin + x * (width - 2 * margin), margin + y * (plot - 2 * margin)

    bridges = {(e.a, e.b) for e in net.bridges(colouring)}
    cid = escape(chart_id)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart network" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{cid}-title {cid}-desc" '
        f'font-family="system-ui, sans-serif" font-size="13">'
        f'<title id="{cid}-title">{escape(_title(net))}</title>'
        f'<desc id="{cid}-desc">{escape(describe(net, colouring))}</desc>'
    ]
    parts += [_edge(e, at, (e.a, e.b) in bridges) for e in net.edges]
    parts += [_node(n, at, colours, colouring) for n in net.nodes]
    parts += _legend_svg(legend, plot + 8)
    parts.append("</svg>")
    # every piece of text above went through escape()
    return mark_safe("".join(parts))


def _title(net: Network) -> str:
    if net.scope == "event":
        return f"Who met whom at {net.event.title}"
    return f"Who met whom at {net.event.community.name}'s events"


def _edge(e: Edge, at: Place, bridge: bool) -> str:
    (x1, y1), (x2, y2) = at(e.a), at(e.b)
    colour = BRIDGE if bridge else EDGE if e.at_event else EARLIER
    width = 2.2 if bridge else 1.0
    dash = ' stroke-dasharray="5 3"' if e.at_event and not e.new else ""
    return (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
        f'stroke-width="{width}"{dash} stroke-opacity="{0.9 if bridge else 0.6}"/>'
    )


def _node(n: Node, at: Place, colours: dict[str, str], colouring: str) -> str:
    x, y = at(n.member_pk)
    group = n.group(colouring)
    fill = colours.get(group, UNKNOWN)
    radius = 4 + 1.6 * math.sqrt(n.new)
    text = (
        f"{n.name} · {_label(n.kind)} · {n.region or 'region not known'} · "
        f"{n.new} new connection{'s' if n.new != 1 else ''}, met {n.connections} in this picture"
    )
    return (
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="{fill}" stroke="#fff" '
        f'stroke-width="1"><title>{escape(text)}</title></circle>'
    )


def _legend(net: Network, colouring: str, colours: dict[str, str]) -> list[tuple[str, str, str]]:
    """(shape, colour, text) rows: the colours, then the kinds of line."""
    sizes = Counter(n.group(colouring) for n in net.nodes)
    rows = [
        ("dot", colour, f"{_label(g)} ({sizes[g]})")
        for g, colour in colours.items()
        if colour != OTHER
    ]
    others = sum(sizes[g] for g, c in colours.items() if c == OTHER)
    if others:
        rows.append(("dot", OTHER, f"Other ({others})"))
    if sizes.get(""):
        rows.append(("dot", UNKNOWN, f"Not known ({sizes['']})"))
    what = "kinds of community" if colouring == "kind" else "regions"
    rows.append(("line", BRIDGE, f"Bridge: a connection between two different {what}"))
    rows.append(("dash", EDGE, "Met again: they had met at an earlier event"))
    if net.scope == "community":
        rows.append(("line", EARLIER, "Met at an earlier event only"))
    rows.append(("dot", "#ffffff", "Bigger dot: more new connections at this event"))
    return rows


def _legend_svg(rows: list[tuple[str, str, str]], top: int) -> list[str]:
    out = []
    for k, (shape, colour, text) in enumerate(rows):
        y = top + 22 * k + 8
        if shape == "dot":
            out.append(f'<circle cx="32" cy="{y}" r="6" fill="{colour}" stroke="#8c959f"/>')
        else:
            dash = ' stroke-dasharray="5 3"' if shape == "dash" else ""
            out.append(
                f'<line x1="22" x2="42" y1="{y}" y2="{y}" stroke="{colour}" '
                f'stroke-width="2"{dash}/>'
            )
        out.append(f'<text x="52" y="{y + 4}" fill="#1f2328">{escape(text)}</text>')
    return out


def describe(net: Network, colouring: str) -> str:
    """The picture in a few sentences: its text alternative."""
    what = "kinds of community" if colouring == "kind" else "regions"
    bridges = len(net.bridges(colouring))
    new = sum(1 for e in net.edges if e.new)
    top = sorted(net.nodes, key=lambda n: (-n.new, n.name))[:3]
    most = ", ".join(f"{n.name} ({n.new})" for n in top if n.new)
    text = (
        f"{len(net.nodes)} people and {len(net.edges)} connections; {new} of them new at "
        f"{net.event.title}; {bridges} bridge{'s' if bridges != 1 else ''} between different "
        f"{what}."
    )
    return text + (f" Most new connections: {most}." if most else "")


# --------------------------------------------------------------------------- export


def node_rows(net: Network) -> list[dict[str, object]]:
    return [
        {
            "id": n.member_pk,
            "name": n.name,
            "kind": n.kind,
            "region": n.region,
            "connections": n.connections,
            "new_connections": n.new,
            "events": n.events,
        }
        for n in net.nodes
    ]


def edge_rows(net: Network) -> list[dict[str, object]]:
    return [
        {
            "source": e.a,
            "target": e.b,
            "source_name": net.node(e.a).name,
            "target_name": net.node(e.b).name,
            "times_met": e.times,
            "first_met": net.events.get(e.first_event_pk, ""),
            "met_at_this_event": e.at_event,
            "new": e.new,
            "group_only": e.group_only,
            "bridge_kind": _is_bridge(net.node(e.a), net.node(e.b), "kind"),
            "bridge_region": _is_bridge(net.node(e.a), net.node(e.b), "region"),
        }
        for e in net.edges
    ]
