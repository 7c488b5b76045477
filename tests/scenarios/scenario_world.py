"""The small world every scenario plays in, and what a scenario looks at afterwards.

Three sale types, built with the services the way an administrator would:

- "Guided sale" (a guide with auto-advance): Qualify 10% → Propose 30% → Negotiate 60% → Contract 90%. Qualify
  suggests "Intro call" (not suggested automatically) and "Needs call" (suggested automatically); Propose
  suggests "Proposal call" (not suggested automatically) and the document "Proposal letter", so completing the
  last item of Qualify offers the move to Propose and nothing else.
- "Quick sale" (no guide): Intake 20% → Offer 50%.
- "Keep manual" (probability policy keep_manual): Pilot 25% → Rollout 75%.

The acting salesperson lives in New York while the installation lives in Amsterdam, so anything that reads
"today" or "09:00" from the wrong time zone shows.

What is compared is kept in plain values with names instead of ids, so a failing row reads like the table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from salesguide.models import Activity, ActivityType, Competitor, Reason, Sale, SaleType, Stage, StageChange, User
from salesguide.services import catalog, guides, sale_types, templates

USER_ZONE = ZoneInfo("America/New_York")
TODAY = dt.datetime.now(USER_ZONE).date()


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A moment on the wall clock of the acting user."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=USER_ZONE)


@dataclass
class World:
    admin: User
    seller: User
    colleague: User
    sale_types: dict[str, SaleType]
    stages: dict[str, Stage]
    suggestions: dict[str, int]
    activity_types: dict[str, ActivityType]
    reasons: dict[str, Reason]
    competitors: dict[str, Competitor]

    def sale_type(self, name: str) -> int:
        return self.sale_types[name].pk

    def stage(self, name: str) -> int:
        return self.stages[name].pk

    def suggestion(self, name: str) -> int:
        return self.suggestions[name]

    def activity_type(self, name: str) -> int:
        return self.activity_types[name].pk

    def reason(self, name: str) -> int:
        return self.reasons[name].pk

    def competitor(self, name: str) -> int:
        return self.competitors[name].pk

    def user(self, username: str) -> int:
        return next(u.pk for u in (self.admin, self.seller, self.colleague) if u.username == username)

    def activity_type_name(self, activity_type_id: int) -> str:
        return next(name for name, item in self.activity_types.items() if item.pk == activity_type_id)

    def stage_name(self, stage_id: int | None) -> str | None:
        return None if stage_id is None else Stage.objects.get(pk=stage_id).name

    def suggestion_name(self, suggestion_id: int | None) -> str | None:
        return next((name for name, pk in self.suggestions.items() if pk == suggestion_id), None)


def build_world(admin: User, seller: User, colleague: User) -> World:
    stage_specs = {
        "Qualify": 10,
        "Propose": 30,
        "Negotiate": 60,
        "Contract": 90,
        "Intake": 20,
        "Offer": 50,
        "Pilot": 25,
        "Rollout": 75,
    }
    stages = {name: catalog.create_stage(admin, name=name, probability=p) for name, p in stage_specs.items()}
    # The phone call first: a stalled sale proposes the first phone call type.
    activity_types = {
        "Phone call": catalog.create_activity_type(admin, name="Phone call", kind="call", default_duration_minutes=15),
        "Meeting": catalog.create_activity_type(admin, name="Meeting", kind="meeting", default_duration_minutes=60),
    }

    def ids(*names: str) -> list[int]:
        return [stages[name].pk for name in names]

    types = {
        "Guided sale": sale_types.create_sale_type(
            admin,
            name="Guided sale",
            stage_ids=ids("Qualify", "Propose", "Negotiate", "Contract"),
            has_guide=True,
            auto_advance=True,
            duration=30,
        ),
        "Quick sale": sale_types.create_sale_type(admin, name="Quick sale", stage_ids=ids("Intake", "Offer")),
        "Keep manual": sale_types.create_sale_type(
            admin, name="Keep manual", stage_ids=ids("Pilot", "Rollout"), probability_policy="keep_manual"
        ),
    }
    guided = types["Guided sale"].pk
    suggestion_specs = [
        ("Qualify", "Intro call", False, 0),
        ("Qualify", "Needs call", True, 2),
        ("Propose", "Proposal call", False, 3),
    ]
    suggestions = {
        name: guides.add_suggested_followup(
            admin,
            guided,
            stages[stage].pk,
            name=name,
            purpose=f"Why: {name}",
            activity_type_id=activity_types["Phone call"].pk,
            days_offset=offset,
            duration_minutes=20,
            auto_suggest=auto,
            text=f"Text of {name}",
        ).pk
        for stage, name, auto, offset in suggestion_specs
    }
    letter = templates.create_text_template(admin, name="Letter", body="Dear customer")
    suggestions["Proposal letter"] = guides.add_suggested_document(
        admin,
        guided,
        stages["Propose"].pk,
        name="Proposal letter",
        template_id=letter.pk,
        subject="Proposal for {{ sale.title }}",
    ).pk
    reasons = {
        name: catalog.create_reason(admin, name=name, kind=kind)
        for name, kind in (("Best price", "sold"), ("Too expensive", "lost"), ("Budget freeze", "stalled"))
    }
    competitors = {"Rival BV": catalog.create_named_item(admin, Competitor, name="Rival BV")}
    return World(admin, seller, colleague, types, stages, suggestions, activity_types, reasons, competitors)


# --- what a scenario looks at --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SaleView:
    title: str
    sale_type: str
    stage: str | None
    status: str
    probability: int
    probability_is_manual: bool
    amount: int
    currency: str
    closed_date: dt.date | None
    reopen_date: dt.date | None
    completed: bool


@dataclass(frozen=True)
class H:
    """One history row: kind, from/to stage, from/to status, probability before/after, reason."""

    kind: str
    from_stage: str | None
    to_stage: str | None
    from_status: str | None
    to_status: str
    probability_before: int | None
    probability_after: int
    reason: str = ""


@dataclass(frozen=True)
class Act:
    """An activity of the sale. ``start`` and ``text`` are compared only when the row names them."""

    title: str
    suggestion: str | None
    completed: bool
    activity_type: str = "Phone call"
    owner: str = "seller"
    start: dt.datetime | None = None
    text: str | None = None


@dataclass(frozen=True)
class Offer:
    """What completing a follow-up led to: the next follow-up offered (its suggestion), the one created directly
    (its title), and the stage offered to move to."""

    next_suggestion: str | None = None
    created_activity: str | None = None
    advance_to: str | None = None
    close_as_sold: bool = False


@dataclass(frozen=True)
class Mentions:
    """A text that says each of these, in this order (its dates are written as the language writes them)."""

    parts: tuple[str, ...]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mentions):
            return self.parts == other.parts
        if not isinstance(other, str):
            return NotImplemented
        at = 0
        for part in self.parts:
            found = other.find(part, at)
            if found < 0:
                return False
            at = found + len(part)
        return True

    def __hash__(self) -> int:
        return hash(self.parts)


@dataclass(frozen=True)
class Proposal:
    """The follow-up a stalled sale proposes on its re-open date (nothing is created), with its text."""

    activity_type: str
    title: str
    start: dt.datetime
    duration_minutes: int
    text: str | Mentions = ""


def sale_view(sale_id: int) -> SaleView:
    sale = Sale.objects.select_related("sale_type", "stage").get(pk=sale_id)
    return SaleView(
        title=sale.title,
        sale_type=sale.sale_type.name,
        stage=sale.stage.name if sale.stage else None,
        status=sale.status,
        probability=sale.probability,
        probability_is_manual=sale.probability_is_manual,
        amount=sale.amount,
        currency=sale.currency,
        closed_date=sale.closed_date,
        reopen_date=sale.reopen_date,
        completed=sale.completed,
    )


def history(sale_id: int) -> list[H]:
    rows = StageChange.objects.filter(sale_id=sale_id).select_related("from_stage", "to_stage").order_by("at", "id")
    return [
        H(
            kind=row.kind,
            from_stage=row.from_stage.name if row.from_stage else None,
            to_stage=row.to_stage.name if row.to_stage else None,
            from_status=row.from_status or None,
            to_status=row.to_status,
            probability_before=row.probability_before,
            probability_after=row.probability_after,
            reason=row.reason,
        )
        for row in rows
    ]


def activities_of(sale_id: int, expected: tuple[Act, ...]) -> list[Act]:
    """The sale's activities in the order they were made, each shown with the fields its expected row names."""
    rows = list(
        Activity.objects.filter(sale_id=sale_id)
        .select_related("activity_type", "owner", "suggested_followup")
        .order_by("id")
    )
    shown = []
    for index, row in enumerate(rows):
        want = expected[index] if index < len(expected) else None
        shown.append(
            Act(
                title=row.title,
                suggestion=row.suggested_followup.name if row.suggested_followup else None,
                completed=row.completed_at is not None,
                activity_type=row.activity_type.name,
                owner=row.owner.username,
                start=row.start if want is not None and want.start is not None else None,
                text=row.text if want is not None and want.text is not None else None,
            )
        )
    return shown


def activity_ref(activity_id: int | None) -> str | None:
    """An activity as "<title>#<n>": the n-th activity of its sale with that title, so two made from the same
    suggestion are told apart."""
    if activity_id is None:
        return None
    activity = Activity.objects.get(pk=activity_id)
    same = list(
        Activity.objects.filter(sale_id=activity.sale_id, title=activity.title)
        .order_by("id")
        .values_list("pk", flat=True)
    )
    return f"{activity.title}#{same.index(activity.pk) + 1}"


def activity_id(sale_id: int, title: str) -> int:
    """The first activity of the sale with this title (how a step names the follow-up it acts on)."""
    return Activity.objects.filter(sale_id=sale_id, title=title).order_by("id").values_list("pk", flat=True)[0]
