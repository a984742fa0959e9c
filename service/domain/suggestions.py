"""Which users get precomputed suggestions, and the refresh pass that keeps them current."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass

from service.domain.ports import SuggestionListStore


@dataclass(frozen=True)
class RefreshReport:
    """What one refresh pass did."""

    heavy_users: int
    refreshed: int
    fresh: int
    dropped: int
    seconds: float


def refresh_suggestion_lists(
    lists: SuggestionListStore,
    min_degree: int,
    top: int,
    max_age: float,
    force: bool = False,
    progress: Callable[[str], None] = lambda message: None,
) -> RefreshReport:
    """One pass: store the exact top `top` for every active user with at least `min_degree`
    connections whose list is missing or older than `max_age` seconds (all of them with
    `force`), and drop the lists of users no longer above the threshold."""
    started = time.monotonic()
    heavy = lists.find_heavy_users(min_degree)
    stored = lists.list_stored()
    dropped = lists.drop(sorted(set(stored) - set(heavy)))
    now = dt.datetime.now(dt.UTC)
    age = {uid: (now - stored[uid]).total_seconds() for uid in heavy if uid in stored}
    # Missing lists first (they are served by the bounded read meanwhile), then the oldest.
    due = sorted(
        (uid for uid in heavy if force or uid not in age or age[uid] >= max_age),
        key=lambda uid: (uid in age, -age.get(uid, 0.0), uid),
    )
    progress(
        f"{len(heavy)} users with >= {min_degree} connections; {len(due)} lists to compute, "
        f"{dropped} dropped"
    )
    for n, uid in enumerate(due, 1):
        t0 = time.monotonic()
        ranked = lists.compute_top(uid, top)
        lists.store(uid, ranked, heavy[uid])
        progress(
            f"{n}/{len(due)} user {uid} ({heavy[uid]} connections): {len(ranked)} suggestions "
            f"in {time.monotonic() - t0:.1f} s"
        )
    return RefreshReport(
        heavy_users=len(heavy),
        refreshed=len(due),
        fresh=len(heavy) - len(due),
        dropped=dropped,
        seconds=time.monotonic() - started,
    )
