"""Random sequences of everything that can happen to running sales, through the services, with the rules of
SPEC 3 checked after every step.

Two guides share a stage, so deleting that stage moves sales of both types. Each step is one of: create a sale,
move it (through the stage endpoint or the sale's stage field, to any stage — also one its type does not use),
set or reset its probability, close it as sold or lost, stall, reopen, mark completed, change its sale type,
create follow-ups and documents from suggestions, complete and reopen activities, delete or restore a stage,
take a stage out of a type or put it back, delete a suggestion, and try a change as another salesperson or with
a stale version. After every step:

- every probability is within 0–100 and an open sale is in a live stage of its sale type;
- replaying a sale's stage-change rows gives its stage, status and probability, and each change of stage,
  status or probability wrote exactly one row (refused and empty changes none);
- nothing created from a suggestion is lost: it still exists with its suggestion, and whenever that suggestion
  is in the sale's current guide, the guide shows it as created from it;
- the sale's next activity date is its earliest not-completed activity.

Every example starts from the same catalogue: the test puts back what the previous example deleted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.db.models import Min
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from salesguide.domain import selling
from salesguide.domain.errors import NotAllowed, NotFound, RuleViolation, StaleVersion, ValidationFailed
from salesguide.models import (
    Activity,
    Document,
    Sale,
    SaleType,
    SaleTypeStage,
    Stage,
    StageChange,
    SuggestedDocument,
    SuggestedFollowup,
    User,
)
from salesguide.queries.guides import guide_of_sale_type
from salesguide.queries.sale_guide import sale_guide
from salesguide.services import activities, catalog, documents, guides, sale_types, sales, templates

pytestmark = pytest.mark.django_db

MAX_SALES = 2
PICK = st.integers(min_value=0, max_value=40)


@dataclass
class World:
    admin: User
    seller: User  # confirms before a suggested follow-up is created
    manager: User  # does not: completing creates the next one directly
    stranger: User  # another salesperson
    alpha: SaleType  # follows the stage
    beta: SaleType  # keeps a manual probability
    orders: dict[int, list[int]]  # each type's stages as configured
    reasons: dict[str, int]
    catalogue_rows: dict[str, list[tuple[Any, ...]]]


def _catalogue_rows() -> dict[str, list[tuple[Any, ...]]]:
    return {
        "stages": list(Stage.objects.values_list("pk", "deleted")),
        "links": list(SaleTypeStage.objects.values_list("pk", "rank", "removed")),
        "followups": list(SuggestedFollowup.objects.values_list("pk", "rank", "deleted")),
        "documents": list(SuggestedDocument.objects.values_list("pk", "rank", "deleted")),
    }


def _put_catalogue_back(rows: dict[str, list[tuple[Any, ...]]]) -> None:
    """Test scaffolding, not a use case: every example must start from the same catalogue, ranks included, so
    that Hypothesis can replay and shrink an example exactly."""
    Sale.objects.all().delete()  # with their history, activities and documents
    Stage.objects.bulk_update([Stage(pk=pk, deleted=deleted) for pk, deleted in rows["stages"]], ["deleted"])
    SaleTypeStage.objects.bulk_update(
        [SaleTypeStage(pk=pk, rank=rank, removed=removed) for pk, rank, removed in rows["links"]], ["rank", "removed"]
    )
    for model, key in ((SuggestedFollowup, "followups"), (SuggestedDocument, "documents")):
        model.objects.bulk_update(
            [model(pk=pk, rank=rank, deleted=deleted) for pk, rank, deleted in rows[key]], ["rank", "deleted"]
        )


@pytest.fixture
def world(make_user: Any) -> World:
    admin = make_user("admin", "admin")
    seller = make_user("seller", "salesperson")
    manager = make_user("manager", "manager", confirm_suggested_followups=False)
    stranger = make_user("stranger", "salesperson")

    def stage(name: str, probability: int) -> int:
        return catalog.create_stage(admin, name=name, probability=probability).pk

    a1, a2, shared, a4 = stage("Lead", 10), stage("Qualified", 30), stage("Offer", 50), stage("Contract", 80)
    b1, b2 = stage("Review", 20), stage("Order", 60)
    alpha = sale_types.create_sale_type(
        admin, name="Alpha", has_guide=True, auto_advance=True, stage_ids=[a1, a2, shared, a4]
    )
    beta = sale_types.create_sale_type(
        admin, name="Beta", has_guide=True, probability_policy="keep_manual", stage_ids=[b1, shared, b2]
    )
    call = catalog.create_activity_type(admin, name="Call", kind="call").pk
    template = templates.create_text_template(admin, name="Letter", body="Hello", format="text").pk
    for sale_type, stage_id, names, document in [
        (alpha, a1, ["Intro call", "Research"], "Confirmation"),
        (alpha, a2, ["Needs meeting"], None),
        (alpha, shared, ["Prepare offer", "Discuss offer"], "Quotation"),
        (alpha, a4, ["Send contract"], "Contract"),
        (beta, b1, ["Review call"], None),
        (beta, shared, ["Offer call"], "Quotation"),
        (beta, b2, ["Confirm order", "Thank-you call"], "Order confirmation"),
    ]:
        for i, name in enumerate(names):
            guides.add_suggested_followup(
                admin, sale_type.pk, stage_id, name=name, activity_type_id=call, days_offset=i, auto_suggest=i > 0
            )
        if document:
            guides.add_suggested_document(
                admin, sale_type.pk, stage_id, name=document, template_id=template, subject="{{ sale.title }}"
            )
    reasons = {
        kind: catalog.create_reason(admin, name=f"Because {kind}", kind=kind).pk for kind in ("sold", "lost", "stalled")
    }
    return World(
        admin,
        seller,
        manager,
        stranger,
        alpha,
        beta,
        orders={alpha.pk: [a1, a2, shared, a4], beta.pk: [b1, shared, b2]},
        reasons=reasons,
        catalogue_rows=_catalogue_rows(),
    )


def _live(sale_type_id: int) -> list[selling.StageInfo]:
    return sales.stages_of(sale_type_id)


def _rows(sale_id: int) -> list[StageChange]:
    return list(StageChange.objects.filter(sale_id=sale_id).order_by("at", "id"))


def _replayed(rows: list[StageChange]) -> tuple[int | None, str, int]:
    return selling.replay(
        [
            selling.StageChange(
                selling.ChangeKind(r.kind),
                r.from_stage_id,
                r.to_stage_id,
                selling.SaleStatus(r.from_status) if r.from_status else None,
                selling.SaleStatus(r.to_status),
                r.probability_before,
                r.probability_after,
            )
            for r in rows
        ]
    )


def _next_remaining(order_before: list[int], gone: int, remaining: list[int]) -> int:
    """Where SPEC 3.10 sends a sale whose stage went away: the next remaining stage, else the previous one."""
    index = order_before.index(gone)
    later = [s for s in order_before[index + 1 :] if s in remaining]
    earlier = [s for s in order_before[:index] if s in remaining]
    return later[0] if later else earlier[-1]


def machine_for(world: World) -> type[RuleBasedStateMachine]:
    class SellingMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            _put_catalogue_back(world.catalogue_rows)
            self.sale_ids: list[int] = []
            self.expected_rows: dict[int, int] = {}
            # What was created from a suggestion: id -> (sale id, suggestion id).
            self.made_activities: dict[int, tuple[int, int]] = {}
            self.made_documents: dict[int, tuple[int, int]] = {}
            # A sold or lost sale's own probability before it closed: sale id -> probability.
            self.before_closing: dict[int, int] = {}

        # --- helpers ---------------------------------------------------------------------------------------

        def sale(self, pick: int) -> Sale:
            return Sale.objects.select_related("sale_type").get(pk=self.sale_ids[pick % len(self.sale_ids)])

        def owner_of(self, sale: Sale) -> User:
            return world.manager if sale.owner_id == world.manager.pk else world.seller

        def refused(self, error: type[Exception], sale: Sale, change: Any) -> None:
            """The change is refused with ``error`` and the sale is exactly as it was."""
            with pytest.raises(error):
                change()
            after = Sale.objects.get(pk=sale.pk)
            assert (after.version, after.stage_id, after.status, after.probability, after.sale_type_id) == (
                sale.version,
                sale.stage_id,
                sale.status,
                sale.probability,
                sale.sale_type_id,
            )

        def changed(self, sale: Sale, rows: int = 1) -> Sale:
            self.expected_rows[sale.pk] += rows
            return Sale.objects.select_related("sale_type").get(pk=sale.pk)

        @staticmethod
        def probability_on_entering(sale: Sale, stage_probability: int) -> int:
            """SPEC 6.4: entering a stage takes its probability, unless the type keeps a manual value."""
            kept = sale.sale_type.probability_policy == "keep_manual" and sale.probability_is_manual
            return sale.probability if kept else stage_probability

        def all_live_stage_ids(self) -> list[int]:
            return list(Stage.objects.filter(deleted=False).order_by("pk").values_list("pk", flat=True))

        # --- sales -----------------------------------------------------------------------------------------

        @initialize(beta=st.booleans(), by_manager=st.booleans())
        def first_sale(self, beta: bool, by_manager: bool) -> None:
            self.create_sale(beta, by_manager)

        @rule(beta=st.booleans(), by_manager=st.booleans())
        def create_sale(self, beta: bool, by_manager: bool) -> None:
            if len(self.sale_ids) >= MAX_SALES:
                return
            sale_type = world.beta if beta else world.alpha
            actor = world.manager if by_manager else world.seller
            sale = sales.create_sale(actor, title=f"Sale {len(self.sale_ids) + 1}", sale_type_id=sale_type.pk)
            first = _live(sale_type.pk)[0]
            assert (sale.stage_id, sale.probability, sale.status) == (first.id, first.probability, "open")
            self.sale_ids.append(sale.pk)
            self.expected_rows[sale.pk] = 1

        @rule(
            pick=PICK, steps=st.integers(min_value=1, max_value=6), anywhere=st.booleans(), through_update=st.booleans()
        )
        def change_stage(self, pick: int, steps: int, anywhere: bool, through_update: bool) -> None:
            sale = self.sale(pick)
            live = {s.id: s.probability for s in _live(sale.sale_type_id)}
            order = list(live)
            if anywhere:  # any stage at all: of the other type, deleted, taken out
                candidates = list(Stage.objects.order_by("pk").values_list("pk", flat=True))
                target = candidates[steps % len(candidates)]
            else:  # so many stages on (round to the start): forwards, skipping, or backwards
                here = order.index(sale.stage_id) if sale.stage_id in order else 0
                target = order[(here + steps) % len(order)]
            actor = self.owner_of(sale)

            def change() -> Sale:
                if through_update:
                    return sales.update_sale(actor, sale.pk, version=sale.version, stage_id=target)
                return sales.move_sale_to_stage(actor, sale.pk, target, version=sale.version)

            if through_update and target == sale.stage_id:
                # Saving the sale's form with its stage unchanged is an edit, not a move, whatever its status.
                change()
                assert self.changed(sale, rows=0).version == sale.version + 1
                return
            if sale.status != "open" or target not in live:
                self.refused(RuleViolation, sale, change)
                return
            change()
            after = self.changed(sale, rows=0 if target == sale.stage_id else 1)
            assert after.stage_id == target
            if target != sale.stage_id:
                assert after.probability == self.probability_on_entering(sale, live[target])

        @rule(pick=PICK)
        def move_to_the_next_stage(self, pick: int) -> None:
            # The most common change of all, so a rule of its own: Hypothesis switches rules on and off per
            # example, and this keeps forward moves frequent whichever are on.
            self.change_stage(pick, steps=1, anywhere=False, through_update=False)

        @rule(pick=PICK, value=st.integers(min_value=-5, max_value=105))
        def set_probability(self, pick: int, value: int) -> None:
            sale = self.sale(pick)
            change = lambda: sales.set_sale_probability(self.owner_of(sale), sale.pk, value)  # noqa: E731
            if sale.status != "open":
                self.refused(RuleViolation, sale, change)
            elif not 0 <= value <= 100:
                self.refused(ValidationFailed, sale, change)
            else:
                change()
                after = self.changed(sale, rows=0 if value == sale.probability else 1)
                assert (after.probability, after.probability_is_manual) == (value, True)

        @rule(pick=PICK)
        def reset_probability(self, pick: int) -> None:
            sale = self.sale(pick)
            change = lambda: sales.reset_sale_probability(self.owner_of(sale), sale.pk)  # noqa: E731
            if sale.status != "open":
                self.refused(RuleViolation, sale, change)
                return
            change()
            stage_probability = Stage.objects.get(pk=sale.stage_id).probability
            after = self.changed(sale, rows=0 if stage_probability == sale.probability else 1)
            assert (after.probability, after.probability_is_manual) == (stage_probability, False)

        @rule(pick=PICK, sold=st.booleans())
        def close(self, pick: int, sold: bool) -> None:
            sale = self.sale(pick)
            actor = self.owner_of(sale)
            if sold:
                change = lambda: sales.close_sale_as_sold(actor, sale.pk, reason_id=world.reasons["sold"])  # noqa: E731
            else:
                change = lambda: sales.close_sale_as_lost(actor, sale.pk, reason_id=world.reasons["lost"])  # noqa: E731
            if sale.status != "open":
                self.refused(RuleViolation, sale, change)
                return
            change()
            after = self.changed(sale)
            assert (after.status, after.probability, after.stage_when_closed_id, after.stage_id) == (
                "sold" if sold else "lost",
                100 if sold else 0,
                sale.stage_id,
                sale.stage_id,
            )
            # 100 or 0 is the outcome, never shown as set by hand; whether the estimate before it was set by hand
            # is remembered, so reopening under "keep manual" gives that estimate back
            assert after.probability_is_manual == sale.probability_is_manual
            assert selling.probability_shown_as_manual(sales.state_of(after)) is False
            self.before_closing[sale.pk] = sale.probability

        @rule(pick=PICK, days=st.integers(min_value=1, max_value=90))
        def stall(self, pick: int, days: int) -> None:
            sale = self.sale(pick)
            reopen_on = timezone.localdate() + dt.timedelta(days=days)
            change = lambda: sales.stall_sale(  # noqa: E731
                self.owner_of(sale), sale.pk, reopen_date=reopen_on, reason_id=world.reasons["stalled"]
            )
            if sale.status != "open":
                self.refused(RuleViolation, sale, change)
                return
            change()
            after = self.changed(sale)
            assert (after.status, after.probability, after.reopen_date) == ("stalled", sale.probability, reopen_on)

        @rule(pick=PICK)
        def reopen(self, pick: int) -> None:
            sale = self.sale(pick)
            change = lambda: sales.reopen_sale(self.owner_of(sale), sale.pk)  # noqa: E731
            if sale.status == "open":
                self.refused(RuleViolation, sale, change)
                return
            change()
            after = self.changed(sale)
            live = {s.id: s.probability for s in _live(sale.sale_type_id)}
            last = sale.stage_when_closed_id or sale.stage_id
            assert (after.status, after.completed) == ("open", False)
            assert after.stage_id == (last if last in live else list(live)[0])
            estimate = self.before_closing.pop(sale.pk, None) if sale.status in ("sold", "lost") else sale.probability
            if estimate is None:
                assert after.probability == live[after.stage_id]
            else:
                sale.probability = estimate
                assert after.probability == self.probability_on_entering(sale, live[after.stage_id])

        @rule(pick=PICK)
        def mark_completed(self, pick: int) -> None:
            sale = self.sale(pick)
            change = lambda: sales.complete_sale(self.owner_of(sale), sale.pk)  # noqa: E731
            if sale.status not in ("sold", "lost"):
                self.refused(RuleViolation, sale, change)
                return
            change()
            assert self.changed(sale, rows=0).completed is True

        @rule(pick=PICK)
        def switch_sale_type(self, pick: int) -> None:
            sale = self.sale(pick)
            other = world.beta if sale.sale_type_id == world.alpha.pk else world.alpha
            change = lambda: sales.change_sale_type(self.owner_of(sale), sale.pk, other.pk)  # noqa: E731
            if sale.status != "open":
                self.refused(RuleViolation, sale, change)
                return
            change()
            after = self.changed(sale)
            first = _live(other.pk)[0]
            assert (after.sale_type_id, after.stage_id, after.probability) == (other.pk, first.id, first.probability)

        @rule(pick=PICK, attempt=st.sampled_from(["someone-else", "stale-version", "other-types-suggestion"]))
        def refused_change(self, pick: int, attempt: str) -> None:
            sale = self.sale(pick)
            if attempt == "someone-else":
                self.refused(NotAllowed, sale, lambda: sales.set_sale_probability(world.stranger, sale.pk, 42))
            elif attempt == "stale-version":
                self.refused(
                    StaleVersion,
                    sale,
                    lambda: sales.update_sale(self.owner_of(sale), sale.pk, version=sale.version - 1, title="Old"),
                )
            else:
                other = SuggestedFollowup.objects.exclude(link__sale_type_id=sale.sale_type_id).order_by("pk").first()
                assert other is not None
                # (on a sold or lost sale the guide refuses every creation first)
                self.refused(
                    RuleViolation if sale.status in ("sold", "lost") else NotFound,
                    sale,
                    lambda: activities.create_followup_from_suggestion(self.owner_of(sale), sale.pk, other.pk),
                )

        # --- the guide: creating from suggestions, completing ----------------------------------------------

        @rule(pick=PICK, suggestion_pick=PICK, by_manager=st.booleans())
        def create_followup_from_suggestion(self, pick: int, suggestion_pick: int, by_manager: bool) -> None:
            sale = self.sale(pick)
            offered = [f.id for s in guide_of_sale_type(sale.sale_type).stages for f in s.followups]
            if not offered:
                return
            suggestion_id = offered[suggestion_pick % len(offered)]
            actor = world.manager if by_manager else self.owner_of(sale)
            if sale.status in ("sold", "lost"):
                # A sold or lost sale's guide is read-only history
                change = lambda: activities.create_followup_from_suggestion(actor, sale.pk, suggestion_id)  # noqa: E731
                self.refused(RuleViolation, sale, change)
                return
            activity = activities.create_followup_from_suggestion(actor, sale.pk, suggestion_id)
            assert (activity.suggested_followup_id, activity.owner_id, activity.sale_id) == (
                suggestion_id,
                actor.pk,
                sale.pk,
            )
            self.made_activities[activity.pk] = (sale.pk, suggestion_id)

        @rule(pick=PICK, suggestion_pick=PICK)
        def create_document_from_suggestion(self, pick: int, suggestion_pick: int) -> None:
            sale = self.sale(pick)
            offered = [d.id for s in guide_of_sale_type(sale.sale_type).stages for d in s.documents]
            if not offered:
                return
            suggestion_id = offered[suggestion_pick % len(offered)]
            if sale.status in ("sold", "lost"):
                change = lambda: documents.create_document_from_suggestion(  # noqa: E731
                    self.owner_of(sale), sale.pk, suggestion_id
                )
                self.refused(RuleViolation, sale, change)
                return
            document = documents.create_document_from_suggestion(self.owner_of(sale), sale.pk, suggestion_id)
            assert (document.subject, document.suggested_document_id) == (sale.title, suggestion_id)
            self.made_documents[document.pk] = (sale.pk, suggestion_id)

        @rule(activity_pick=PICK, by_manager=st.booleans())
        def complete_activity(self, activity_pick: int, by_manager: bool) -> None:
            open_ids = list(
                Activity.objects.filter(completed_at__isnull=True).order_by("pk").values_list("pk", flat=True)
            )
            if not open_ids:
                return
            activity = Activity.objects.select_related("sale").get(pk=open_ids[activity_pick % len(open_ids)])
            assert activity.sale is not None
            actor = world.manager if by_manager else self.owner_of(activity.sale)
            completion = activities.complete_activity(actor, activity.pk)
            assert Activity.objects.get(pk=activity.pk).completed_at is not None
            created = completion.created_activity
            if created is not None:
                assert actor.confirm_suggested_followups is False and completion.next_suggestion is None
                assert created.suggested_followup_id is not None
                self.made_activities[created.pk] = (activity.sale.pk, created.suggested_followup_id)
            if completion.offer_advance_to_stage_id is not None:
                live = [s.id for s in _live(activity.sale.sale_type_id)]
                sale_now = Sale.objects.get(pk=activity.sale.pk)
                assert live.index(completion.offer_advance_to_stage_id) == live.index(sale_now.stage_id) + 1

        @rule(activity_pick=PICK)
        def reopen_activity(self, activity_pick: int) -> None:
            done = list(Activity.objects.filter(completed_at__isnull=False).order_by("pk").values_list("pk", flat=True))
            if not done:
                return
            activity = Activity.objects.select_related("sale").get(pk=done[activity_pick % len(done)])
            assert activity.sale is not None
            activities.reopen_activity(self.owner_of(activity.sale), activity.pk)
            assert Activity.objects.get(pk=activity.pk).completed_at is None

        # --- configuration changing under running sales -----------------------------------------------------

        def open_sales_in(self, stage_id: int, sale_type_ids: list[int]) -> list[Sale]:
            return list(
                Sale.objects.filter(
                    pk__in=self.sale_ids, stage_id=stage_id, status="open", sale_type_id__in=sale_type_ids
                ).select_related("sale_type")
            )

        def check_moved_on(self, moving: list[Sale], gone: int, orders_before: dict[int, list[int]]) -> None:
            for sale in moving:
                after = self.changed(sale)
                remaining = {s.id: s.probability for s in _live(sale.sale_type_id)}
                assert after.stage_id == _next_remaining(orders_before[sale.sale_type_id], gone, list(remaining))
                assert after.probability == self.probability_on_entering(sale, remaining[after.stage_id])
                last = _rows(sale.pk)[-1]
                assert (last.kind, last.from_stage_id, last.reason) == (
                    "stage_removed",
                    gone,
                    Stage.objects.get(pk=gone).name,
                )

        @rule(stage_pick=PICK)
        def delete_stage(self, stage_pick: int) -> None:
            orders = {t.pk: [s.id for s in _live(t.pk)] for t in (world.alpha, world.beta)}
            # Keep at least one stage in every sale type.
            deletable = [
                s for s in self.all_live_stage_ids() if all(len(order) > 1 for order in orders.values() if s in order)
            ]
            if not deletable:
                return
            gone = deletable[stage_pick % len(deletable)]
            moving = self.open_sales_in(gone, [t for t, order in orders.items() if gone in order])
            catalog.delete_stage(world.admin, gone)
            self.check_moved_on(moving, gone, orders)

        @rule(beta=st.booleans(), stage_pick=PICK)
        def take_a_stage_out_of_a_type(self, beta: bool, stage_pick: int) -> None:
            sale_type = world.beta if beta else world.alpha
            order = [s.id for s in _live(sale_type.pk)]
            if len(order) < 3:  # a guide keeps two stages
                return
            gone = order[stage_pick % len(order)]
            moving = self.open_sales_in(gone, [sale_type.pk])
            sale_types.update_sale_type(world.admin, sale_type.pk, stage_ids=[s for s in order if s != gone])
            self.check_moved_on(moving, gone, {sale_type.pk: order})

        @rule(stage_pick=PICK)
        def restore_a_stage(self, stage_pick: int) -> None:
            deleted = list(Stage.objects.filter(deleted=True).order_by("pk").values_list("pk", flat=True))
            if deleted:
                catalog.restore_stage(world.admin, deleted[stage_pick % len(deleted)])

        @rule(beta=st.booleans())
        def put_the_types_stages_back(self, beta: bool) -> None:
            sale_type = world.beta if beta else world.alpha
            live = set(self.all_live_stage_ids())
            stage_ids = [s for s in world.orders[sale_type.pk] if s in live]
            if len(stage_ids) >= 2:  # a guide needs two
                sale_types.update_sale_type(world.admin, sale_type.pk, stage_ids=stage_ids)

        @rule(suggestion_pick=PICK, document=st.booleans())
        def delete_a_suggestion(self, suggestion_pick: int, document: bool) -> None:
            model: Any = SuggestedDocument if document else SuggestedFollowup
            live = list(model.objects.filter(deleted=False).order_by("pk").values_list("pk", flat=True))
            if live:
                guides.delete_suggestion(world.admin, model, live[suggestion_pick % len(live)])

        # --- what must hold after every step --------------------------------------------------------------
        # One invariant with a few set-wide queries (plus the guide of each sale): it runs after every step.

        @invariant()
        def every_sale_is_consistent_with_its_history_guide_and_activities(self) -> None:
            sales_now = list(Sale.objects.filter(pk__in=self.sale_ids).select_related("sale_type"))
            live: dict[int, list[int]] = {world.alpha.pk: [], world.beta.pk: []}
            for sale_type_id, stage_id in (
                SaleTypeStage.objects.filter(removed=False, stage__deleted=False)
                .order_by("sale_type_id", "rank", "id")
                .values_list("sale_type_id", "stage_id")
            ):
                live[sale_type_id].append(stage_id)
            history: dict[int, list[StageChange]] = {}
            for row in StageChange.objects.filter(sale_id__in=self.sale_ids).order_by("at", "id"):
                history.setdefault(row.sale_id, []).append(row)
            earliest = dict(
                Activity.objects.filter(sale_id__in=self.sale_ids, completed_at__isnull=True)
                .values("sale_id")
                .annotate(m=Min("start"))
                .values_list("sale_id", "m")
            )
            for sale in sales_now:
                assert 0 <= sale.probability <= 100
                if sale.status == "open":
                    assert sale.stage_id in live[sale.sale_type_id]
                assert len(history[sale.pk]) == self.expected_rows[sale.pk]
                assert _replayed(history[sale.pk]) == (sale.stage_id, sale.status, sale.probability)
                assert sale.next_activity_at == earliest.get(sale.pk)

            # Nothing created from a suggestion is lost, and the current guide shows it as created from it.
            if self.made_activities:
                kept = dict(
                    Activity.objects.filter(pk__in=self.made_activities).values_list("pk", "suggested_followup_id")
                )
                assert kept == {pk: suggestion for pk, (_, suggestion) in self.made_activities.items()}
            if self.made_documents:
                kept = dict(
                    Document.objects.filter(pk__in=self.made_documents).values_list("pk", "suggested_document_id")
                )
                assert kept == {pk: suggestion for pk, (_, suggestion) in self.made_documents.items()}
            with_items = {sale_id for sale_id, _ in [*self.made_activities.values(), *self.made_documents.values()]}
            for sale in (s for s in sales_now if s.pk in with_items):  # nothing to show as created on the others
                for stage in sale_guide(sale).stages:
                    for f in stage.followups:
                        made = {pk for pk, key in self.made_activities.items() if key == (sale.pk, f.suggestion.id)}
                        assert {a.id for a in f.activities} == made
                    for d in stage.documents:
                        made = {pk for pk, key in self.made_documents.items() if key == (sale.pk, d.suggestion.id)}
                        assert {doc.id for doc in d.documents} == made

    return SellingMachine


def test_random_sequences_of_sales_work_keep_every_sale_consistent_with_its_history_and_guide(world):
    run_state_machine_as_test(
        machine_for(world),
        settings=settings(
            max_examples=30,
            stateful_step_count=25,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
