"""The benchmark's catalogue and people: stages, sale types with their guides, the small lists, owners and
companies. A few hundred rows (plus the companies), written with the ORM; what the generator needs of them comes
back as plain values, so that generating a million sales never touches a model instance."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password

from salesguide.domain.selling import StageInfo
from salesguide.models import (
    ActivityKind,
    ActivityType,
    Company,
    Competitor,
    DocumentTemplate,
    ProbabilityPolicy,
    Reason,
    Role,
    SaleType,
    SaleTypeStage,
    Stage,
    SuggestedDocument,
    SuggestedFollowup,
    TemplateFormat,
    User,
)

# A pool of stages in their order; each sale type uses 6–10 of them, in this order.
STAGE_POOL = (
    ("Lead", 5),
    ("First contact", 10),
    ("Qualified", 20),
    ("Needs analysis", 30),
    ("Demo", 40),
    ("Proposal", 50),
    ("Quotation sent", 60),
    ("Negotiation", 70),
    ("Verbal yes", 80),
    ("Contract sent", 90),
    ("Contract signed", 95),
    ("Handover", 98),
)
ACTIVITY_TYPES = (
    ("Phone call", ActivityKind.CALL, 15),
    ("Meeting", ActivityKind.MEETING, 60),
    ("Task", ActivityKind.TASK, 30),
    ("E-mail", ActivityKind.EMAIL, 10),
)
WORDS = (
    "alpha",
    "bright",
    "cedar",
    "delta",
    "ember",
    "falcon",
    "granite",
    "harbor",
    "indigo",
    "juniper",
    "kestrel",
    "lumen",
    "maple",
    "nimbus",
    "orchid",
    "pioneer",
    "quartz",
    "river",
    "summit",
    "timber",
    "umber",
    "vertex",
    "willow",
    "xenon",
    "yonder",
    "zephyr",
)
CITIES = ("Amsterdam", "Rotterdam", "Utrecht", "Den Haag", "Eindhoven", "Groningen", "Antwerpen", "Gent")


@dataclass(frozen=True)
class Followup:
    id: int
    name: str
    text: str
    activity_type_id: int
    minutes: int
    days_offset: int


@dataclass(frozen=True)
class TypeInfo:
    id: int
    name: str
    policy: str
    stages: tuple[StageInfo, ...]
    # Per stage, in the same order: its suggested follow-ups.
    followups: tuple[tuple[Followup, ...], ...]


@dataclass(frozen=True)
class Owner:
    id: int
    language: str


@dataclass
class World:
    """What the generator draws from."""

    sale_types: list[TypeInfo]
    owners: list[Owner]
    company_ids: list[int]
    stage_names: dict[int, str]
    reasons: dict[str, list[tuple[int, str]]]
    competitor_ids: list[int]
    hand_activity_type: tuple[int, int]  # id, default minutes
    reopen_activity_type: tuple[int, int]
    manager_id: int = 0
    extra: dict[str, int] = field(default_factory=dict)


def build_catalog(rng: random.Random, sale_type_count: int) -> dict[str, object]:
    """Stages, activity types, templates, reasons, competitors and ``sale_type_count`` sale types with guides."""
    stages = Stage.objects.bulk_create(
        Stage(name=name, probability=probability, rank=rank, description=f"Where a sale is when: {name.lower()}.")
        for rank, (name, probability) in enumerate(STAGE_POOL, start=1)
    )
    activity_types = ActivityType.objects.bulk_create(
        ActivityType(name=name, kind=kind, default_duration_minutes=minutes, rank=rank)
        for rank, (name, kind, minutes) in enumerate(ACTIVITY_TYPES, start=1)
    )
    templates = DocumentTemplate.objects.bulk_create(
        DocumentTemplate(name=name, kind=kind, format=TemplateFormat.TEXT, body="Dear {{ contact.name }},", rank=rank)
        for rank, (name, kind) in enumerate((("Quotation", "quote"), ("Letter", "letter")), start=1)
    )
    reasons = Reason.objects.bulk_create(
        Reason(name=name, kind=kind, rank=rank)
        for kind, names in (
            ("sold", ("Best price", "Good relationship", "Best product")),
            ("lost", ("Too expensive", "No budget", "Chose a competitor", "No decision")),
            ("stalled", ("Budget next year", "Reorganisation")),
        )
        for rank, name in enumerate(names, start=1)
    )
    competitors = Competitor.objects.bulk_create(
        Competitor(name=f"Competitor {word.title()}", rank=rank) for rank, word in enumerate(WORDS[:5], start=1)
    )
    sale_types = SaleType.objects.bulk_create(
        SaleType(
            name=f"Sale type {index:02d} {rng.choice(WORDS).title()}",
            duration=rng.choice((30, 60, 90, 120)),
            has_guide=True,
            auto_advance=index % 3 == 0,
            probability_policy=ProbabilityPolicy.KEEP_MANUAL if index % 4 == 0 else ProbabilityPolicy.FOLLOW_STAGE,
            rank=index,
        )
        for index in range(1, sale_type_count + 1)
    )
    links = []
    for sale_type in sale_types:
        count = rng.randint(6, 10)
        chosen = sorted(rng.sample(range(len(stages)), count))
        links += [
            SaleTypeStage(sale_type=sale_type, stage=stages[i], rank=rank, expected_days=rng.choice((5, 7, 10, 14, 21)))
            for rank, i in enumerate(chosen, start=1)
        ]
    links = SaleTypeStage.objects.bulk_create(links)
    followups, documents = [], []
    for link in links:
        for rank in range(1, rng.randint(1, 3) + 1):
            activity_type = rng.choice(activity_types)
            followups.append(
                SuggestedFollowup(
                    link=link,
                    name=f"{link.stage.name}: step {rank}",
                    purpose="Keep the sale moving.",
                    activity_type=activity_type,
                    days_offset=rng.choice((0, 1, 2, 3, 5, 7)),
                    duration_minutes=rng.choice((None, 30, 45)),
                    text=f"Step {rank} of {link.stage.name.lower()}.",
                    auto_suggest=rank == 1,
                    rank=rank,
                )
            )
        if rng.random() < 0.5:
            documents.append(
                SuggestedDocument(
                    link=link, name=f"{link.stage.name}: document", template=rng.choice(templates), rank=1
                )
            )
    SuggestedFollowup.objects.bulk_create(followups)
    SuggestedDocument.objects.bulk_create(documents)
    return {"activity_types": activity_types, "reasons": reasons, "competitors": competitors}


def build_people(rng: random.Random, owner_count: int, company_count: int) -> tuple[list[User], list[int]]:
    """``owner_count`` users (one administrator, a manager per ten, the rest salespeople; half Dutch, half
    English) and ``company_count`` companies."""
    unusable = make_password(None)
    owners = User.objects.bulk_create(
        User(
            username=f"owner{index:02d}",
            first_name=rng.choice(WORDS).title(),
            last_name=f"Owner {index:02d}",
            email=f"owner{index:02d}@example.com",
            role=Role.ADMIN if index == 1 else Role.MANAGER if index % 10 == 2 else Role.SALESPERSON,
            language="nl" if index % 2 else "en",
            password=unusable,
        )
        for index in range(1, owner_count + 1)
    )
    batch = 5000
    company_ids: list[int] = []
    for start in range(0, company_count, batch):
        made = Company.objects.bulk_create(
            Company(
                name=f"{rng.choice(WORDS).title()} {rng.choice(WORDS).title()} {index}",
                city=rng.choice(CITIES),
                country="Nederland",
            )
            for index in range(start + 1, min(company_count, start + batch) + 1)
        )
        company_ids += [company.pk for company in made]
    return owners, company_ids


def world_from_database(owners: list[User], company_ids: list[int]) -> World:
    """The catalogue as plain values, read back in the sale types' live order."""
    types = []
    for sale_type in SaleType.objects.order_by("rank", "id"):
        links = list(
            SaleTypeStage.objects.filter(sale_type=sale_type, removed=False)
            .select_related("stage")
            .prefetch_related("followups__activity_type")
            .order_by("rank", "id")
        )
        types.append(
            TypeInfo(
                id=sale_type.pk,
                name=sale_type.name,
                policy=sale_type.probability_policy,
                stages=tuple(StageInfo(link.stage_id, link.stage.probability, link.expected_days) for link in links),
                followups=tuple(
                    tuple(
                        Followup(
                            id=f.pk,
                            name=f.name.strip(),
                            text=f.text,
                            activity_type_id=f.activity_type_id,
                            minutes=f.duration_minutes or f.activity_type.default_duration_minutes,
                            days_offset=f.days_offset,
                        )
                        for f in sorted(link.followups.all(), key=lambda f: (f.rank, f.pk))
                        if not f.deleted
                    )
                    for link in links
                ),
            )
        )
    reasons: dict[str, list[tuple[int, str]]] = {"sold": [], "lost": [], "stalled": []}
    for reason in Reason.objects.filter(deleted=False).order_by("kind", "rank", "id"):
        reasons[reason.kind].append((reason.pk, reason.name))
    live_types = ActivityType.objects.filter(deleted=False).order_by("rank", "id")
    call = live_types.filter(kind=ActivityKind.CALL).first() or live_types.first()
    task = live_types.filter(kind=ActivityKind.TASK).first() or call
    assert call is not None and task is not None
    manager = next(o for o in owners if o.role == Role.MANAGER)
    return World(
        sale_types=types,
        owners=[Owner(o.pk, o.language) for o in owners],
        company_ids=company_ids,
        stage_names=dict(Stage.objects.values_list("id", "name")),
        reasons=reasons,
        competitor_ids=list(Competitor.objects.filter(deleted=False).values_list("id", flat=True)),
        hand_activity_type=(task.pk, task.default_duration_minutes),
        reopen_activity_type=(call.pk, call.default_duration_minutes),
        manager_id=manager.pk,
    )
