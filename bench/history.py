"""One generated sale: its life (created, moved through its stages, maybe a probability set by hand, then sold,
lost, stalled or still open), played through the same pure rules the services use (``domain.selling``), and the
rows the services would have written for it: the sale, one stage-change row per change (``services.sales``),
and the follow-ups made from its guide or by hand (``services.activities``), with ``next_activity_at`` and
``last_planned_at`` as ``refresh_next_activity`` keeps them and ``stale_from`` as ``services.sales`` sets it.

Rows are plain tuples in the column order below, ready for a bulk insert.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from bench.catalog import Followup, Owner, TypeInfo, World
from salesguide.domain import aging, selling
from salesguide.services.reopen_followup import REOPEN_FOLLOWUP_TIME, reopen_followup_text

SALE_COLUMNS = (
    "id",
    "title",
    "external_ref",
    "sale_type_id",
    "company_id",
    "contact_id",
    "owner_id",
    "description",
    "amount",
    "currency",
    "stage_id",
    "probability",
    "probability_is_manual",
    "status",
    "expected_date",
    "closed_date",
    "reason_id",
    "competitor_id",
    "reopen_date",
    "completed",
    "stage_when_closed_id",
    "stage_entered_at",
    "next_activity_at",
    "stale_from",
    "last_planned_at",
    "version",
    "created_at",
    "updated_at",
)
CHANGE_COLUMNS = (
    "id",
    "sale_id",
    "kind",
    "from_stage_id",
    "to_stage_id",
    "from_status",
    "to_status",
    "probability_before",
    "probability_after",
    "at",
    "by_id",
    "reason",
    "override_reason",
)
ACTIVITY_COLUMNS = (
    "id",
    "activity_type_id",
    "title",
    "text",
    "start",
    "duration_minutes",
    "owner_id",
    "sale_id",
    "company_id",
    "contact_id",
    "completed_at",
    "suggested_followup_id",
    "created_at",
    "updated_at",
)

DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)
MICRO = dt.timedelta(microseconds=1)
OPEN, SOLD, LOST, STALLED = (selling.SaleStatus(s) for s in ("open", "sold", "lost", "stalled"))
TITLE_WORDS = (
    "renewal",
    "upgrade",
    "pilot",
    "rollout",
    "licence",
    "support",
    "expansion",
    "migration",
    "training",
    "audit",
)


@dataclass
class Ids:
    """The next free id of each table the sales fill."""

    sale: int = 1
    change: int = 1
    activity: int = 1


@dataclass
class SaleRows:
    sale: tuple[object, ...]
    changes: list[tuple[object, ...]]
    activities: list[tuple[object, ...]]


def _fate(rng: random.Random) -> selling.SaleStatus:
    r = rng.random()
    return OPEN if r < 0.40 else SOLD if r < 0.65 else LOST if r < 0.90 else STALLED


def _target(rng: random.Random, fate: selling.SaleStatus, stage_count: int) -> int:
    """How far along its stages the sale got."""
    if fate == SOLD:
        return rng.randint(max(0, stage_count - 3), stage_count - 1)
    # Open sales are mostly early in their stages; lost and stalled ones left early more often than late.
    mean = 1.8 if fate == OPEN else 1.5
    return min(stage_count - 1, int(rng.expovariate(1 / mean)))


def _path(rng: random.Random, target: int) -> list[int]:
    """The stage indexes the sale was in, in order: mostly one step on, sometimes skipping one, now and then a
    step back and on again."""
    path, index = [0], 0
    while index < target:
        index += 2 if target - index >= 2 and rng.random() < 0.2 else 1
        path.append(index)
        if 2 <= index < target and rng.random() < 0.05:
            path += [index - 1, index]
    return path


def _times(rng: random.Random, start: dt.datetime, end: dt.datetime, count: int) -> list[dt.datetime]:
    """``count`` increasing moments from ``start`` (the first) to ``end`` (the last, when count > 1)."""
    if count == 1:
        return [start]
    span = (end - start).total_seconds()
    middle = sorted(rng.random() * span for _ in range(count - 2))
    moments = [start, *(start + dt.timedelta(seconds=s) for s in middle), end]
    for i in range(1, len(moments)):  # strictly increasing, as rows written one after another
        if moments[i] <= moments[i - 1]:
            moments[i] = moments[i - 1] + MICRO
    return moments


class SaleMaker:
    """Makes the rows of generated sales; deterministic for a seed and a "now"."""

    def __init__(self, world: World, now: dt.datetime, seed: int) -> None:
        self.world = world
        self.now = now
        self.seed = seed
        self.zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)  # the owners have no zone of their own
        self.today = now.astimezone(self.zone).date()

    def make(self, index: int, ids: Ids) -> SaleRows:
        # One generator per sale: a sale's rows do not depend on how many were made before it.
        rng = random.Random(self.seed * 10_000_019 + index)
        world = self.world
        sale_type = world.sale_types[rng.randrange(len(world.sale_types))]
        owner = world.owners[rng.randrange(len(world.owners))]
        company_id = world.company_ids[rng.randrange(len(world.company_ids))]
        fate = _fate(rng)
        stages = sale_type.stages
        path = _path(rng, _target(rng, fate, len(stages)))

        age_days = rng.uniform(1, 180) if fate == OPEN else rng.uniform(30, 730)
        created = self.now - dt.timedelta(days=age_days)
        if fate == OPEN:
            end = self.now - dt.timedelta(hours=rng.uniform(0, 24 * min(age_days, 30)))
        elif fate == STALLED:
            end = self.now - dt.timedelta(days=rng.uniform(0, min(20, age_days)))
        else:
            end = created + (self.now - created - DAY) * rng.uniform(0.3, 1.0)
        end = max(end, created + len(path) * MICRO * 10)

        events: list[tuple[str, int]] = [("stage", stages[i].id) for i in path[1:]]
        if rng.random() < 0.08:
            events.insert(rng.randint(0, len(events)), ("probability", rng.randint(1, 99)))
        if fate != OPEN:
            events.append((fate.value, 0))
        moments = _times(rng, created, end, len(events) + 1)

        sale_id = ids.sale
        ids.sale += 1
        title = f"Sale {index + 1} {rng.choice(TITLE_WORDS)} {rng.choice(TITLE_WORDS)}"
        amount = rng.randint(50_000, 20_000_000)
        r = rng.random()
        currency = "EUR" if r < 0.85 else "USD" if r < 0.95 else "GBP"
        if fate == OPEN:
            expected = self.today + dt.timedelta(days=rng.randint(-20, 200))
        else:
            expected = created.astimezone(self.zone).date() + dt.timedelta(days=rng.randint(10, 150))

        outcome = selling.start(stages)
        state, entered = outcome.state, created
        changes = [self._change(ids, sale_id, outcome.change, created, owner, "")]
        segments: list[tuple[int, dt.datetime, dt.datetime | None]] = []  # stage id, entered, left
        reason_id = competitor_id = None
        closed_date = reopen_date = None
        reason_name = ""
        for (kind, value), moment in zip(events, moments[1:], strict=True):
            reason = ""
            if kind == "stage":
                outcome = selling.move_to_stage(state, stages, value, sale_type.policy)
            elif kind == "probability":
                if value == state.probability:
                    value = value % 99 + 1
                outcome = selling.set_probability(state, value)
            else:
                reason_id, reason_name, competitor_id = self._closing_reason(rng, kind)
                reason = reason_name
                if kind == "sold":
                    outcome = selling.close_as_sold(state)
                    closed_date = moment.astimezone(self.zone).date()
                elif kind == "lost":
                    outcome = selling.close_as_lost(state)
                    closed_date = moment.astimezone(self.zone).date()
                else:
                    reopen_date = self.today + dt.timedelta(days=rng.randint(1, 120))
                    outcome = selling.stall(state, reopen_date, moment.astimezone(self.zone).date())
            if outcome.state.stage_id != state.stage_id:
                segments.append((state.stage_id or 0, entered, moment))
                entered = moment
            state = outcome.state
            changes.append(self._change(ids, sale_id, outcome.change, moment, owner, reason))
        segments.append((state.stage_id or 0, entered, None if fate == OPEN else moments[-1]))

        version = len(moments)
        updated = moments[-1]
        if fate in (SOLD, LOST) and rng.random() < 0.2:
            state = selling.set_completed(state, True)
            version += 1
            updated = min(self.now, updated + dt.timedelta(days=rng.uniform(0, 10)))

        facts = _SaleFacts(sale_id, title, owner, company_id, created, moments[-1])
        activities = self._activities(rng, ids, facts, sale_type, segments)
        if fate == STALLED and reopen_date is not None:
            stage_name = self.world.stage_names.get(state.stage_id or 0, "")
            activities.append(self._reopen_followup(ids, facts, reopen_date, reason_name, stage_name))
        open_starts = [row[4] for row in activities if row[10] is None]
        next_activity = min(open_starts) if open_starts else None  # type: ignore[type-var]
        last_planned = max(open_starts) if open_starts else None  # type: ignore[type-var]
        expected_days = next((stage.expected_days for stage in stages if stage.id == state.stage_id), None)
        stale_from = aging.stale_from(entered, expected_days, is_open=state.status == OPEN)

        sale = (
            sale_id,
            title,
            "",
            sale_type.id,
            company_id,
            None,
            owner.id,
            "",
            amount,
            currency,
            state.stage_id,
            state.probability,
            state.probability_is_manual,
            state.status.value,
            expected,
            closed_date,
            reason_id,
            competitor_id if fate == LOST else None,
            reopen_date,
            state.completed,
            state.stage_when_closed_id,
            entered,
            next_activity,
            stale_from,
            last_planned,
            version,
            created,
            updated,
        )
        return SaleRows(sale, changes, activities)

    def _closing_reason(self, rng: random.Random, kind: str) -> tuple[int | None, str, int | None]:
        reasons = self.world.reasons.get(kind) or []
        chance = {"sold": 0.5, "lost": 0.7, "stalled": 0.6}[kind]
        reason_id, name = rng.choice(reasons) if reasons and rng.random() < chance else (None, "")
        competitor = None
        if kind == "lost" and self.world.competitor_ids and rng.random() < 0.4:
            competitor = rng.choice(self.world.competitor_ids)
        return reason_id, name, competitor

    @staticmethod
    def _change(
        ids: Ids,
        sale_id: int,
        change: selling.StageChange | None,
        at: dt.datetime,
        owner: Owner,
        reason: str,
    ) -> tuple[object, ...]:
        assert change is not None
        row = (
            ids.change,
            sale_id,
            change.kind.value,
            change.from_stage_id,
            change.to_stage_id,
            change.from_status.value if change.from_status else "",
            change.to_status.value,
            change.probability_before,
            change.probability_after,
            at,
            owner.id,
            reason[:300],
            None,  # no exit criteria overridden: a generated type asks none (SPEC 6.3)
        )
        ids.change += 1
        return row

    def _activities(
        self,
        rng: random.Random,
        ids: Ids,
        facts: _SaleFacts,
        sale_type: TypeInfo,
        segments: list[tuple[int, dt.datetime, dt.datetime | None]],
    ) -> list[tuple[object, ...]]:
        """Follow-ups made from the guide in each stage the sale was in (first visit only), done when the sale
        left the stage after them; in the current stage of an open sale the next step is planned, or not (a
        stale sale has nothing planned). Now and then one made by hand."""
        rows: list[tuple[object, ...]] = []
        seen: set[int] = set()
        position = {stage.id: i for i, stage in enumerate(sale_type.stages)}
        for stage_id, entered, left in segments:
            if stage_id in seen or stage_id not in position:
                continue
            seen.add(stage_id)
            followups = sale_type.followups[position[stage_id]]
            if left is None:  # the stage an open sale is in now
                done = rng.randint(0, len(followups) - 1) if followups and rng.random() < 0.5 else 0
                for followup in followups[:done]:
                    start = entered + (self.now - entered) * rng.uniform(0.05, 0.9)
                    rows.append(self._followup(ids, facts, followup, start, entered, self.now))
                if followups and rng.random() < 0.7:
                    start = max(entered + HOUR, self.now + dt.timedelta(hours=rng.uniform(-72, 14 * 24)))
                    rows.append(self._followup(ids, facts, followups[done], start, entered, None))
                continue
            for followup in followups:
                if rng.random() < 0.3:
                    start = entered + (left - entered) * rng.uniform(0.05, 0.95)
                    rows.append(self._followup(ids, facts, followup, start, entered, left))
        if rng.random() < 0.25:
            type_id, minutes = self.world.hand_activity_type
            start = facts.created + (facts.last - facts.created) * rng.uniform(0, 1)
            finished = None if facts.last >= self.now - DAY and rng.random() < 0.5 else facts.last
            rows.append(
                self._row(ids, facts, type_id, f"Check in: {facts.title}", "", start, minutes, None, facts.created)
            )
            if finished is not None:
                rows[-1] = self._completed(rows[-1], start, minutes, finished)
        return rows

    def _followup(
        self,
        ids: Ids,
        facts: _SaleFacts,
        f: Followup,
        start: dt.datetime,
        entered: dt.datetime,
        left: dt.datetime | None,
    ) -> tuple[object, ...]:
        created = entered + dt.timedelta(minutes=1)
        row = self._row(ids, facts, f.activity_type_id, f.name, f.text, start, f.minutes, f.id, created)
        return row if left is None else self._completed(row, start, f.minutes, left)

    def _completed(
        self, row: tuple[object, ...], start: dt.datetime, minutes: int, until: dt.datetime
    ) -> tuple[object, ...]:
        done = min(start + dt.timedelta(minutes=minutes), until, self.now)
        done = max(done, row[12])  # type: ignore[type-var]
        return (*row[:10], done, row[11], row[12], done)

    @staticmethod
    def _row(
        ids: Ids,
        facts: _SaleFacts,
        type_id: int,
        title: str,
        text: str,
        start: dt.datetime,
        minutes: int,
        followup_id: int | None,
        created: dt.datetime,
    ) -> tuple[object, ...]:
        row = (
            ids.activity,
            type_id,
            title.strip(),
            text,
            start,
            minutes,
            facts.owner.id,
            facts.sale_id,
            facts.company_id,
            None,
            None,
            followup_id,
            created,
            created,
        )
        ids.activity += 1
        return row

    def _reopen_followup(
        self, ids: Ids, facts: _SaleFacts, reopen_date: dt.date, reason: str, stage: str
    ) -> tuple[object, ...]:
        """The follow-up a stall proposes (``services.reopen_followup``), saved as proposed."""
        type_id, minutes = self.world.reopen_activity_type
        with translation.override(facts.owner.language):
            title = gettext("Re-open: %(title)s") % {"title": facts.title}
            text = reopen_followup_text(
                facts.title,
                reason=reason,
                stage=stage,
                stalled_on=facts.last.astimezone(self.zone).date(),
                reopen_date=reopen_date,
            )
        start = dt.datetime.combine(reopen_date, REOPEN_FOLLOWUP_TIME, tzinfo=self.zone)
        return self._row(ids, facts, type_id, title, text, start, minutes, None, facts.last + dt.timedelta(seconds=1))


@dataclass(frozen=True)
class _SaleFacts:
    sale_id: int
    title: str
    owner: Owner
    company_id: int
    created: dt.datetime
    last: dt.datetime
