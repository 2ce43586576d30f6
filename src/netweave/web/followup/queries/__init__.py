"""The reads of the follow-up, one module per noun: what happened (:mod:`.held`), whose
contact details one may see (:mod:`.contacts`), a participant's summary (:mod:`.summary`), and
for organizers the figures (:mod:`.insight`) and the network picture (:mod:`.network`).

They never import :mod:`netweave.web.followup.domain`. Inside this app, import from the module
itself; this package re-exports the names for other apps.
"""

from __future__ import annotations

from netweave.web.followup.queries.contacts import contacts_visible_to, stay_in_touch_wishes
from netweave.web.followup.queries.held import (
    event_is_over,
    meeting_of,
    meetings_held,
    record_plan_as_held,
)
from netweave.web.followup.queries.insight import (
    MIN_ANSWERS,
    VALUABLE,
    DigestStats,
    Insight,
    Rating,
    TrendPoint,
    community_trend,
    event_insight,
    rating_of,
)
from netweave.web.followup.queries.network import (
    COLOURINGS,
    SCOPES,
    Edge,
    Network,
    Node,
    build_network,
    edge_rows,
    kind_of,
    layout,
    network_svg,
    node_rows,
    region_of,
)
from netweave.web.followup.queries.summary import (
    Conversation,
    Summary,
    absolute_url,
    summary_for,
    summary_url,
)

__all__ = [
    "COLOURINGS",
    "MIN_ANSWERS",
    "SCOPES",
    "VALUABLE",
    "Conversation",
    "DigestStats",
    "Edge",
    "Insight",
    "Network",
    "Node",
    "Rating",
    "Summary",
    "TrendPoint",
    "absolute_url",
    "build_network",
    "community_trend",
    "contacts_visible_to",
    "edge_rows",
    "event_insight",
    "event_is_over",
    "kind_of",
    "layout",
    "meeting_of",
    "meetings_held",
    "network_svg",
    "node_rows",
    "rating_of",
    "record_plan_as_held",
    "region_of",
    "stay_in_touch_wishes",
    "summary_for",
    "summary_url",
]
