"""A catalogue and generated sale histories for the funnel, calibration and adherence reports, and those
reports computed the plain way: in Python, row by row, from the stage-change rows, activities and documents.

The histories are made with the rules of selling (``domain.selling``), so every row is one the services would
write; they are written directly with chosen times (like the benchmark's generator), which the services cannot
be asked to do. Two sale types share a stage, a third stage of the first type was taken out of it (sales keep
their history there), and one suggestion is deleted.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from salesguide.domain import report_maths, selling
from salesguide.domain.errors import RuleViolation, ValidationFailed
from salesguide.models import (
    Activity,
    Document,
    Sale,
    SaleTypeStage,
    StageChange,
    SuggestedDocument,
    SuggestedFollowup,
    User,
)
from salesguide.services import catalog, guides, sale_types, templates

START = dt.datetime(2025, 1, 6, 9, 0, tzinfo=dt.UTC)


@dataclass
class ReportWorld:
    admin: User
    owners: list[User]
    alpha: int  # sale type: Lead, Qualified, Offer (shared), Contract; "Dropped" was taken out of it
    beta: int  # sale type: Review, Offer (shared), Order
    stages: dict[int, list[selling.StageInfo]]  # per type, the stages a history may visit (Dropped included)
    policy: dict[int, str]
    followups: list[int]  # every suggested follow-up, the deleted one included
    documents: list[int]
    activity_type: int
    template: int


def build_world(make_user: Callable[..., User]) -> ReportWorld:
    admin = make_user("admin", "admin")
    owners = [
        make_user("ann", "salesperson", first_name="Ann", last_name="Adams"),
        make_user("bob", "salesperson", first_name="Bob", last_name="Baker"),
        make_user("cleo", "manager", first_name="Cleo", last_name="Clark"),
    ]

    def stage(name: str, probability: int) -> int:
        return catalog.create_stage(admin, name=name, probability=probability).pk

    lead, qualified, offer, contract, dropped = (
        stage("Lead", 10),
        stage("Qualified", 30),
        stage("Offer", 50),
        stage("Contract", 80),
        stage("Dropped", 40),
    )
    review, order = stage("Review", 20), stage("Order", 70)
    alpha = sale_types.create_sale_type(
        admin, name="Alpha", has_guide=True, stage_ids=[lead, qualified, dropped, offer, contract]
    ).pk
    beta = sale_types.create_sale_type(
        admin, name="Beta", has_guide=True, probability_policy="keep_manual", stage_ids=[review, offer, order]
    ).pk
    call = catalog.create_activity_type(admin, name="Call", kind="call").pk
    letter = templates.create_text_template(admin, name="Letter", body="Hello", format="text").pk
    followups, documents = [], []
    for type_id, stage_id, names, document in [
        (alpha, lead, ["Intro call", "Research"], "Confirmation"),
        (alpha, qualified, ["Needs meeting"], None),
        (alpha, dropped, ["Dropped call"], None),
        (alpha, offer, ["Prepare offer", "Discuss offer"], "Quotation"),
        (alpha, contract, [], "Contract"),
        (beta, review, ["Review call"], None),
        (beta, offer, ["Offer call"], "Offer letter"),
    ]:
        for name in names:
            followups.append(
                guides.add_suggested_followup(admin, type_id, stage_id, name=name, activity_type_id=call).pk
            )
        if document:
            documents.append(
                guides.add_suggested_document(admin, type_id, stage_id, name=document, template_id=letter).pk
            )
    # Some are required before leaving their stage (exit criteria): adherence counts them apart too.
    SuggestedFollowup.objects.filter(name__in=["Intro call", "Discuss offer", "Offer call"]).update(required=True)
    SuggestedDocument.objects.filter(name="Quotation").update(required=True)
    # "Research" is deleted: no longer asked for, although activities made from it stay.
    guides.delete_suggestion(admin, SuggestedFollowup, followups[1])
    # "Dropped" is taken out of Alpha: not in its reports, although histories went through it.
    sale_types.update_sale_type(admin, alpha, stage_ids=[lead, qualified, offer, contract])
    assert not SaleTypeStage.objects.get(sale_type_id=alpha, stage_id=dropped).stage.deleted

    def infos(ids: Sequence[int]) -> list[selling.StageInfo]:
        from salesguide.models import Stage

        probabilities = dict(Stage.objects.filter(pk__in=ids).values_list("pk", "probability"))
        return [selling.StageInfo(i, probabilities[i]) for i in ids]

    return ReportWorld(
        admin=admin,
        owners=owners,
        alpha=alpha,
        beta=beta,
        stages={alpha: infos([lead, qualified, dropped, offer, contract]), beta: infos([review, offer, order])},
        policy={alpha: "follow_stage", beta: "keep_manual"},
        followups=followups,
        documents=documents,
        activity_type=call,
        template=letter,
    )


# --- generated histories -------------------------------------------------------------------------------------

ACTIONS = ("move", "move", "move", "probability", "sold", "lost", "stall", "reopen", "change_type", "removal")
# Gaps between rows: often none (rows at the same moment are ordered by id), sometimes fractions of a second,
# mostly hours to weeks.
GAPS = st.one_of(
    st.just(dt.timedelta(0)),
    st.integers(min_value=1, max_value=999_999).map(lambda us: dt.timedelta(microseconds=us)),
    st.integers(min_value=1, max_value=40 * 86_400).map(lambda s: dt.timedelta(seconds=s)),
    st.sampled_from([dt.timedelta(days=1), dt.timedelta(days=2) - dt.timedelta(microseconds=1)]),
)


@dataclass(frozen=True)
class SalePlan:
    owner: int  # index into owners
    beta: bool  # starts as Beta
    events: tuple[tuple[str, int, dt.timedelta], ...]
    # (suggested follow-up index, created after start, completed after that or None)
    activities: tuple[tuple[int, dt.timedelta, dt.timedelta | None], ...]
    documents: tuple[tuple[int, dt.timedelta], ...]


def sale_plans() -> st.SearchStrategy[list[SalePlan]]:
    event = st.tuples(st.sampled_from(ACTIONS), st.integers(min_value=0, max_value=9), GAPS)
    plan = st.builds(
        SalePlan,
        owner=st.integers(min_value=0, max_value=2),
        beta=st.booleans(),
        events=st.lists(event, max_size=9).map(tuple),
        activities=st.lists(
            st.tuples(st.integers(min_value=0, max_value=20), GAPS, st.one_of(st.none(), GAPS)), max_size=4
        ).map(tuple),
        documents=st.lists(st.tuples(st.integers(min_value=0, max_value=20), GAPS), max_size=2).map(tuple),
    )
    return st.lists(plan, min_size=1, max_size=8)


def _step(
    world: ReportWorld, type_id: int, state: selling.SaleState, action: str, pick: int, today: dt.date
) -> tuple[int, selling.Outcome | None]:
    """The outcome of one action by the rules, or None when the rules refuse it in this state."""
    stages = world.stages[type_id]
    policy = world.policy[type_id]
    try:
        if action == "move":
            return type_id, selling.move_to_stage(state, stages, stages[pick % len(stages)].id, policy)
        if action == "probability":
            return type_id, selling.set_probability(state, pick * 11)
        if action == "sold":
            return type_id, selling.close_as_sold(state)
        if action == "lost":
            return type_id, selling.close_as_lost(state)
        if action == "stall":
            return type_id, selling.stall(state, today + dt.timedelta(days=30), today)
        if action == "reopen":
            return type_id, selling.reopen(state, stages, policy, probability_before_closing=state.probability)
        if action == "change_type":
            new_type = world.beta if type_id == world.alpha else world.alpha
            new_stages = world.stages[new_type]
            target = new_stages[pick % len(new_stages)].id
            return new_type, selling.change_sale_type(state, new_stages, target, world.policy[new_type])
        if action == "removal":
            if state.status != selling.SaleStatus.OPEN or state.stage_id is None:
                return type_id, None
            others = [s for s in stages if s.id != state.stage_id]
            return type_id, selling.move_after_removal(state, stages, others[pick % len(others)].id, policy)
    except (RuleViolation, ValidationFailed):
        return type_id, None
    raise AssertionError(action)


def write_histories(world: ReportWorld, plans: Sequence[SalePlan]) -> None:
    """Each plan as one sale with its rows, activities and documents, its state the last row's."""
    for number, plan in enumerate(plans):
        type_id = world.beta if plan.beta else world.alpha
        at = START + dt.timedelta(hours=number)
        outcome = selling.start(world.stages[type_id])
        changes: list[tuple[selling.StageChange, dt.datetime]] = [(outcome.change, at)]  # type: ignore[list-item]
        state = outcome.state
        for action, pick, gap in plan.events:
            at += gap
            type_id, result = _step(world, type_id, state, action, pick, at.date())
            if result is None or result.change is None:
                continue
            state = result.state
            changes.append((result.change, at))
        owner = world.owners[plan.owner]
        sale = Sale.objects.create(
            title=f"Sale {number}",
            sale_type_id=type_id,
            owner=owner,
            stage_id=state.stage_id,
            probability=state.probability,
            probability_is_manual=state.probability_is_manual,
            status=state.status.value,
            stage_when_closed_id=state.stage_when_closed_id,
            stage_entered_at=changes[-1][1],
        )
        StageChange.objects.bulk_create(
            StageChange(
                sale=sale,
                kind=change.kind.value,
                from_stage_id=change.from_stage_id,
                to_stage_id=change.to_stage_id,
                from_status=change.from_status.value if change.from_status else "",
                to_status=change.to_status.value,
                probability_before=change.probability_before,
                probability_after=change.probability_after,
                at=moment,
            )
            for change, moment in changes
        )
        start = changes[0][1]
        for pick, created, completed in plan.activities:
            activity = Activity.objects.create(
                activity_type_id=world.activity_type,
                title="Follow-up",
                start=start + created,
                owner=owner,
                sale=sale,
                suggested_followup_id=world.followups[pick % len(world.followups)],
                completed_at=None if completed is None else start + created + completed,
            )
            assert activity.pk
        for pick, created in plan.documents:
            document = Document.objects.create(
                template_id=world.template,
                subject="Letter",
                sale=sale,
                owner=owner,
                suggested_document_id=world.documents[pick % len(world.documents)],
            )
            Document.objects.filter(pk=document.pk).update(created_at=start + created)


# --- the plain computation -------------------------------------------------------------------------------------


@dataclass
class SaleFacts:
    owner_id: int
    status: str
    stage_when_closed_id: int | None
    rows: list[tuple[dt.datetime, int | None, str]] = field(default_factory=list)  # (at, to_stage, to_status)


def facts_of(sale_type_id: int, owner_id: int | None) -> dict[int, SaleFacts]:
    sales = Sale.objects.filter(sale_type_id=sale_type_id)
    if owner_id is not None:
        sales = sales.filter(owner_id=owner_id)
    facts = {
        pk: SaleFacts(owner, status, closed)
        for pk, owner, status, closed in sales.values_list("pk", "owner_id", "status", "stage_when_closed_id")
    }
    for sale_id, at, to_stage, to_status in (
        StageChange.objects.filter(sale_id__in=facts)
        .order_by("sale_id", "at", "id")
        .values_list("sale_id", "at", "to_stage_id", "to_status")
    ):
        facts[sale_id].rows.append((at, to_stage, to_status))
    return facts


def _in_period(moment: dt.datetime, start: dt.datetime | None, end: dt.datetime | None) -> bool:
    return (start is None or moment >= start) and (end is None or moment < end)


def _visits(rows: list[tuple[dt.datetime, int | None, str]]) -> list[tuple[int | None, str, dt.datetime, Any]]:
    """(stage, status, start, end or None): a new one at the first row and wherever stage or status changes."""
    starts = [i for i, row in enumerate(rows) if i == 0 or (row[1], row[2]) != (rows[i - 1][1], rows[i - 1][2])]
    return [
        (rows[i][1], rows[i][2], rows[i][0], rows[starts[n + 1]][0] if n + 1 < len(starts) else None)
        for n, i in enumerate(starts)
    ]


def plain_funnel(
    stage_ids: list[int], facts: dict[int, SaleFacts], start: dt.datetime | None, end: dt.datetime | None
) -> dict[int, dict[str, Any]]:
    position = {stage_id: i for i, stage_id in enumerate(stage_ids)}
    out = {s: {"reached": 0, "advanced": 0, "sold": 0, "lost_here": 0, "days": defaultdict(int)} for s in stage_ids}
    for sale in facts.values():
        for stage_id in stage_ids:
            indexes = [i for i, row in enumerate(sale.rows) if row[1] == stage_id]
            if not indexes or not _in_period(sale.rows[indexes[0]][0], start, end):
                continue
            counts = out[stage_id]
            counts["reached"] += 1
            later = [row[1] for row in sale.rows[indexes[0] + 1 :] if row[1] in position]
            counts["advanced"] += any(position[s] > position[stage_id] for s in later)
            counts["sold"] += sale.status == "sold"
            counts["lost_here"] += sale.status == "lost" and sale.stage_when_closed_id == stage_id
        for stage_id, status, began, ended in _visits(sale.rows):
            if status == "open" and ended is not None and stage_id in position and _in_period(began, start, end):
                out[stage_id]["days"][report_maths.whole_days(began, ended)] += 1
    return out


def plain_calibration(
    stage_ids: list[int], facts: dict[int, SaleFacts], start: dt.datetime | None, end: dt.datetime | None
) -> dict[int, tuple[int, int]]:
    out = {s: (0, 0) for s in stage_ids}
    for sale in facts.values():
        if sale.status not in ("sold", "lost"):
            continue
        for stage_id in stage_ids:
            entered = [row[0] for row in sale.rows if row[1] == stage_id]
            if entered and _in_period(entered[0], start, end):
                closed, sold = out[stage_id]
                out[stage_id] = (closed + 1, sold + (sale.status == "sold"))
    return out


def plain_adherence(
    sale_type_id: int,
    stage_ids: list[int],
    facts: dict[int, SaleFacts],
    start: dt.datetime | None,
    end: dt.datetime | None,
) -> dict[tuple[int, int], list[report_maths.LeftSales]]:
    """Per (stage, owner): one group per sale that left the stage (its items done, its status)."""
    live_followups = {
        pk: stage
        for pk, stage in SuggestedFollowup.objects.filter(deleted=False, link__sale_type_id=sale_type_id).values_list(
            "pk", "link__stage_id"
        )
    }
    live_documents = {
        pk: stage
        for pk, stage in SuggestedDocument.objects.filter(deleted=False, link__sale_type_id=sale_type_id).values_list(
            "pk", "link__stage_id"
        )
    }
    required = {
        *SuggestedFollowup.objects.filter(required=True).values_list("pk", flat=True),
    }
    required_documents = {*SuggestedDocument.objects.filter(required=True).values_list("pk", flat=True)}
    activities = defaultdict(list)
    for sale_id, suggestion, completed in Activity.objects.filter(sale_id__in=facts).values_list(
        "sale_id", "suggested_followup_id", "completed_at"
    ):
        activities[sale_id].append((suggestion, completed))
    documents = defaultdict(list)
    for sale_id, suggestion, created in Document.objects.filter(sale_id__in=facts).values_list(
        "sale_id", "suggested_document_id", "created_at"
    ):
        documents[sale_id].append((suggestion, created))
    out: dict[tuple[int, int], list[report_maths.LeftSales]] = defaultdict(list)
    for sale_id, sale in facts.items():
        for stage_id in stage_ids:
            ended = [
                (began, left)
                for visit_stage, status, began, left in _visits(sale.rows)
                if visit_stage == stage_id and status == "open" and left is not None
            ]
            if not ended or not _in_period(min(b for b, _ in ended), start, end):
                continue
            left_at = max(left for _, left in ended)
            done = {
                s
                for s, completed in activities[sale_id]
                if live_followups.get(s) == stage_id and completed and completed <= left_at
            }
            done_documents = {
                s for s, created in documents[sale_id] if live_documents.get(s) == stage_id and created <= left_at
            }
            required_done = len(done & required) + len(done_documents & required_documents)
            out[stage_id, sale.owner_id].append(
                report_maths.LeftSales(len(done) + len(done_documents), sale.status, 1, required_done)
            )
    return out
