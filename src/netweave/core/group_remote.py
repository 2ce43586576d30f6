"""Async people in the small groups: each attached to one live group as a remote member.

An async person takes no seat at a live table; :func:`attach_remote` gives each one the
group whose members they score best with, spreading them evenly and never into a group
with someone they must not meet.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment

from netweave.core.affinity import Affinity
from netweave.core.groups import InfeasibleGroupsError

__all__ = ["attach_remote"]


def attach_remote(
    affinity: Affinity, groups: Sequence[Sequence[int]], remote: Sequence[int]
) -> tuple[tuple[int, ...], ...]:
    """Attach async people to groups as remote members, one group each.

    Parameters
    ----------
    affinity : Affinity
        Pair scores; a remote person never joins a group holding someone they must not meet,
        nor the same group as another remote person they must not meet.
    groups : sequence of sequence of int
        The live groups (positions in the affinity).
    remote : sequence of int
        The async people to attach.

    Returns
    -------
    tuple of tuple of int
        Per group (same order as ``groups``), its remote members, sorted.

    Raises
    ------
    InfeasibleGroupsError
        If there are remote people but no groups, or forbidden pairs leave someone nowhere.

    Notes
    -----
    Maximises the sum over remote people of their average score to their group's members,
    with at most ``ceil(len(remote) / len(groups))`` remote people per group, as an
    assignment problem (Hungarian method on ``R x G·cap``: O(R²·G·cap)). A remote-remote
    forbidden pair that lands together bans the weaker of the two from that group and
    solves again.

    Examples
    --------
    >>> import numpy as np
    >>> s = np.zeros((6, 6), dtype=np.float32)
    >>> s[4, [0, 1]] = s[[0, 1], 4] = 1.0
    >>> s[5, [0, 1]] = s[[0, 1], 5] = 0.9
    >>> aff = Affinity(ids=tuple("abcdef"), scores=s)
    >>> attach_remote(aff, [(0, 1), (2, 3)], [4, 5])
    ((4,), (5,))
    """
    remote = [int(r) for r in remote]
    if not remote:
        return tuple(() for _ in groups)
    if not groups:
        raise InfeasibleGroupsError(f"{len(remote)} remote people but no group to attach them to")
    where = {int(p): g for g, mem in enumerate(groups) for p in mem}
    if set(remote) & set(where) or len(set(remote)) != len(remote):
        raise ValueError("remote people must be distinct and not already in a group")
    avg = np.stack(
        [
            affinity.block(remote, list(mem)).mean(axis=1) if len(mem) else np.zeros(len(remote))
            for mem in groups
        ],
        axis=1,
    )
    banned = _remote_bans(affinity, remote, where, len(groups))
    return _assign_remote(affinity, avg, banned, remote)


def _remote_bans(
    affinity: Affinity, remote: list[int], where: dict[int, int], n_groups: int
) -> np.ndarray:
    pos = {r: k for k, r in enumerate(remote)}
    banned = np.zeros((len(remote), n_groups), dtype=bool)
    for i, j in affinity.forbidden:
        for r, other in ((i, j), (j, i)):
            if r in pos and other in where:
                banned[pos[r], where[other]] = True
    return banned


def _assign_remote(
    affinity: Affinity, avg: np.ndarray, banned: np.ndarray, remote: list[int]
) -> tuple[tuple[int, ...], ...]:
    n_remote, n_groups = avg.shape
    cap = -(-n_remote // n_groups)
    # A penalty above any total score: a banned slot is used only when nothing else works.
    big = (np.abs(avg).max() + 1.0) * (n_remote + 1) * 2
    while True:
        cost = np.repeat(np.where(banned, big, -avg), cap, axis=1)
        rows, cols = linear_sum_assignment(cost)
        chosen = np.empty(n_remote, dtype=np.intp)
        chosen[rows] = cols // cap
        stuck = [remote[r] for r in range(n_remote) if banned[r, chosen[r]]]
        if stuck:
            names = ", ".join(affinity.ids[r] for r in stuck[:5])
            raise InfeasibleGroupsError(
                f"No group can take {names} without someone they must not meet."
            )
        clash = _remote_clash(affinity, remote, chosen)
        if clash is None:
            break
        a, b = clash
        g = chosen[a]
        banned[a if avg[a, g] < avg[b, g] else b, g] = True
    out: list[list[int]] = [[] for _ in range(n_groups)]
    for r, g in zip(remote, chosen.tolist(), strict=True):
        out[g].append(r)
    return tuple(tuple(sorted(g)) for g in out)


def _remote_clash(
    affinity: Affinity, remote: list[int], chosen: np.ndarray
) -> tuple[int, int] | None:
    """The first pair of remote people who must not meet but were put in the same group."""
    pos = {r: k for k, r in enumerate(remote)}
    for i, j in sorted(affinity.forbidden):
        if i in pos and j in pos and chosen[pos[i]] == chosen[pos[j]]:
            return pos[i], pos[j]
    return None
