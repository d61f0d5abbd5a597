"""The board's one-CASE SLA counts (`aggregates.open_summary`) agree, group by group, with
the `at_risk` and `breached` conditions the queue's `sla:` filters use, on tickets whose
clocks were set at random around the instant asked about (paused or not, answered or not,
with or without an update clock)."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update

from helpdesk_tui.services import demo
from helpdesk_tui.store import aggregates as agg
from helpdesk_tui.store import models as m

NOW = datetime(2026, 11, 24, 11, 30, tzinfo=UTC)
T = m.Ticket.__table__.c


def _around(rng: random.Random) -> datetime | None:
    if rng.random() < 0.15:
        return None
    return NOW + timedelta(minutes=rng.choice([-600, -61, -1, 0, 1, 59, 600]))


def test_open_summary_counts_equal_the_filters_conditions(store):
    demo.generate(store, 120, seed=5, now=NOW)
    rng = random.Random(3)
    with store.write() as s:
        ids = s.execute(select(T.id).where(T.is_open.is_(True))).scalars().all()
        assert len(ids) > 40
        for ticket_id in ids:
            paused = NOW - timedelta(minutes=rng.choice([5, 120])) if rng.random() < 0.3 else None
            s.execute(
                update(m.Ticket.__table__)
                .where(T.id == ticket_id)
                .values(
                    paused_at=paused,
                    first_response_at=NOW - timedelta(hours=1) if rng.random() < 0.5 else None,
                    response_due=_around(rng),
                    response_risk_at=_around(rng),
                    resolution_due=_around(rng),
                    resolution_risk_at=_around(rng),
                    update_due=_around(rng),
                    update_risk_at=_around(rng),
                )
            )
    with store.read() as s:
        risk, late = Counter(), Counter()
        for group, _status, _assignee, _priority, _n, r, b, _oldest in agg.open_summary(s, NOW):
            risk[group] += r
            late[group] += b

        def per_group(condition) -> Counter:
            rows = s.execute(
                select(T.group_id, func.count())
                .where(T.is_open.is_(True), condition)
                .group_by(T.group_id)
            ).all()
            return Counter(dict(rows))

        assert +late == per_group(agg.breached(NOW))  # (+: without the zeros)
        assert +risk == per_group(agg.at_risk(NOW))
        assert sum(late.values()) > 0 and sum(risk.values()) > 0
        moscow = NOW.astimezone(ZoneInfo("Europe/Moscow"))  # the same instant, other zone
        assert per_group(agg.breached(moscow)) == +late
        assert per_group(agg.at_risk(moscow)) == +risk
