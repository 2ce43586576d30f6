"""Organizer pages of the follow-up: the insight page, its exports, sending summaries.

Login required; another community's event is a 404 (see :mod:`netweave.web.events.permissions`).
Feedback reaches these pages only as aggregates from :mod:`netweave.web.followup.queries.insight`.
"""

from __future__ import annotations

import io
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from netweave.core.cells import csv_writer
from netweave.web.events.permissions import event_for
from netweave.web.followup.charts import Bar, Point, bar_chart, line_chart
from netweave.web.followup.domain import summaries
from netweave.web.followup.errors import FollowupError
from netweave.web.followup.queries import insight, network


def _choice(request: HttpRequest, name: str, choices: tuple[str, ...]) -> str:
    value = request.GET.get(name, "")
    return value if value in choices else choices[0]


@login_required
@require_GET
def insight_page(request: HttpRequest, event_pk: int) -> HttpResponse:
    event = event_for(request.user, event_pk)
    scope = _choice(request, "scope", network.SCOPES)
    colouring = _choice(request, "colour", network.COLOURINGS)
    figures = insight.event_insight(event)
    trend = insight.community_trend(event)
    net = network.build_network(event, scope)
    context = {
        "event": event,
        "figures": figures,
        "trend": trend,
        "charts": _charts(figures, trend),
        "network": net,
        "network_svg": network.network_svg(net, colouring),
        "network_text": network.describe(net, colouring),
        "top_new": sorted((n for n in net.nodes if n.new), key=lambda n: (-n.new, n.name))[:10],
        "bridges": len(net.bridges(colouring)),
        "scope": scope,
        "colour": colouring,
        "min_answers": insight.MIN_ANSWERS,
    }
    return render(request, "followup/insight.html", context)


def _charts(f: insight.Insight, trend: tuple[insight.TrendPoint, ...]) -> dict[str, object]:
    rating = f.meetings_rating
    charts = {
        "attendance": bar_chart(
            "Attendance",
            f"{f.registered} registered ({f.live} live, {f.async_} asynchronous); "
            f"{f.attended} took part.",
            [
                Bar("Registered", f.registered),
                Bar("Live", f.live),
                Bar("Asynchronous", f.async_),
                Bar("Took part", f.attended),
            ],
            "chart-attendance",
        ),
        "meetings": bar_chart(
            "Conversations per round",
            f"{f.meetings} conversations in {len(f.per_round)} rounds, and {f.groups} groups.",
            [Bar(f"Round {n}", count) for n, count in f.per_round]
            + [Bar("Small groups", f.groups, "#009E73")],
            "chart-meetings",
        ),
        "requests": bar_chart(
            "Requests met",
            f"{f.requests_met} of {f.requests} requests to meet someone were met.",
            [Bar("Asked", f.requests), Bar("Met", f.requests_met)],
            "chart-requests",
        ),
        "follow_ups": bar_chart(
            "Connections confirmed",
            f"{f.connections} pairs confirmed a connection: {f.mutual_follow_ups} both wished to "
            "stay in touch"
            + (
                f"; {f.digests.followed_up} follow-ups ticked; {f.digests.answered} of "
                f'{f.digests.asked} people asked "did you meet?" answered.'
                if f.digests
                else "."
            ),
            [
                Bar("Connections confirmed", f.connections),
                Bar("Both wished to stay in touch", f.mutual_follow_ups),
            ]
            + (
                [
                    Bar("Follow-ups ticked", f.digests.followed_up),
                    Bar('Asked "did you meet?"', f.digests.asked),
                    Bar("Answered", f.digests.answered),
                ]
                if f.digests
                else []
            ),
            "chart-follow-ups",
        ),
    }
    if rating.distribution is not None:
        charts["ratings"] = bar_chart(
            "How valuable were the conversations?",
            f"{rating.answers} answers; average {rating.average} of 5; "
            f"{round(100 * (rating.valuable_share or 0))}% rated 4 or 5.",
            [Bar(f"Rated {v}", rating.distribution[v - 1]) for v in range(5, 0, -1)],
            "chart-ratings",
        )
    if f.digests is not None:
        bars = [Bar("Sent", f.digests.sent)]
        if f.digests.read is not None:
            bars.append(Bar("Read", f.digests.read))
        charts["digests"] = bar_chart(
            "Async digests", f"{f.digests.sent} digests sent.", bars, "chart-digests"
        )
    return {**charts, **_trend_charts(trend)}


def _trend_charts(trend: tuple[insight.TrendPoint, ...]) -> dict[str, object]:
    if len(trend) < 2:
        return {}
    return {
        "trend_attended": line_chart(
            "People who took part, event by event",
            ", ".join(f"{p.label}: {p.attended}" for p in trend),
            [Point(p.label, p.attended) for p in trend],
            "chart-trend-attended",
        ),
        "trend_valuable": line_chart(
            "Share of conversations rated valuable, event by event",
            "; ".join(
                f"{p.label}: "
                + ("too few answers" if p.valuable_share is None else f"{p.valuable_share:.0%}")
                for p in trend
            ),
            [Point(p.label, p.valuable_share) for p in trend],
            "chart-trend-valuable",
            percent=True,
        ),
    }


@login_required
@require_GET
def insight_export(request: HttpRequest, event_pk: int) -> HttpResponse:
    """The network (and, in JSON, the figures) as ``?format=csv|json``; CSV gives one table,
    ``?table=nodes`` (default) or ``edges``. Aggregates only: no feedback per person."""
    event = event_for(request.user, event_pk)
    scope = _choice(request, "scope", network.SCOPES)
    net = network.build_network(event, scope)
    name = f"{slugify(event.slug) or 'event'}-network-{scope}"
    if request.GET.get("format") == "json":
        body = json.dumps(
            {
                "event": {"id": event.pk, "title": event.title},
                "scope": scope,
                "figures": _figures_json(insight.event_insight(event)),
                "nodes": network.node_rows(net),
                "edges": network.edge_rows(net),
            },
            indent=2,
            ensure_ascii=False,
        )
        return _attachment(body, f"{name}.json", "application/json")
    table = _choice(request, "table", ("nodes", "edges"))
    rows = network.node_rows(net) if table == "nodes" else network.edge_rows(net)
    return _attachment(_csv(rows, table), f"{name}-{table}.csv", "text/csv; charset=utf-8")


_HEADERS = {
    "nodes": ["id", "name", "kind", "region", "connections", "new_connections", "events"],
    "edges": [
        "source",
        "target",
        "source_name",
        "target_name",
        "times_met",
        "first_met",
        "met_at_this_event",
        "new",
        "group_only",
        "bridge_kind",
        "bridge_region",
    ],
}


def _csv(rows: list[dict[str, object]], table: str) -> str:
    out = io.StringIO()
    # the project's one CSV writer: a name starting with = + - @ never runs as a formula
    writer = csv_writer(out, lineterminator="\r\n")
    headers = _HEADERS[table]
    writer.writerow(headers)
    writer.writerows([row.get(k, "") for k in headers] for row in rows)
    return out.getvalue()


def _figures_json(f: insight.Insight) -> dict[str, object]:
    def rating(r: insight.Rating) -> dict[str, object]:
        return {
            "answers": r.answers,
            "average": r.average,
            "distribution": list(r.distribution) if r.distribution else None,
            "valuable_share": r.valuable_share,
        }

    return {
        "registered": f.registered,
        "live": f.live,
        "async": f.async_,
        "attended": f.attended,
        "meetings": f.meetings,
        "meetings_per_round": {str(n): c for n, c in f.per_round},
        "groups": f.groups,
        "requests": f.requests,
        "requests_met": f.requests_met,
        "meeting_ratings": rating(f.meetings_rating),
        "event_ratings": rating(f.event_rating),
        "mutual_follow_ups": f.mutual_follow_ups,
        "connections_confirmed": f.connections,
        "digests": None
        if f.digests is None
        else {
            "sent": f.digests.sent,
            "read": f.digests.read,
            "followed_up": f.digests.followed_up,
            "asked_did_you_meet": f.digests.asked,
            "answered_did_you_meet": f.digests.answered,
        },
        "summaries_sent": f.summaries_sent,
        "suppressed_below_answers": insight.MIN_ANSWERS,
    }


def _attachment(body: str, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(body.encode(), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
@require_POST
def send_summaries(request: HttpRequest, event_pk: int) -> HttpResponse:
    event = event_for(request.user, event_pk)
    try:
        result = summaries.send_summaries(event)
    except FollowupError as exc:
        messages.error(request, str(exc))
    else:
        if result.queued:
            messages.success(
                request,
                f"Sending summaries to {result.queued} "
                f"{'person' if result.queued == 1 else 'people'}. "
                "See them in the outbox in a moment.",
            )
        else:
            messages.info(request, "Everyone who took part has their summary already.")
    return redirect("orga:insight", event_pk=event.pk)
