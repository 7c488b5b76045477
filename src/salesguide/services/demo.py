"""Demo data for ``salesguide demo`` (SPEC 5, 7): a dozen companies with their contacts, a sales manager and two
salespeople, and thirty sales spread over the starter guides — open ones in every stage, and some sold, lost
or stalled.

Every sale is built through the services a user's clicks go through (create it, create its follow-ups and
documents from the guide's suggestions, complete them, move it on, close it), so it has real activities,
documents and stage-change rows. Only the clock differs: after each step, what the step wrote is dated back to
its moment in that sale's story, so the pipeline has age, time in stage, and overdue and upcoming follow-ups
relative to today.

Loading is idempotent: when any demo company exists, it does nothing. The demo users get unusable passwords
(whoever wants to log in as one sets a password first); users that exist already are used as they are.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import yaml
from django.db import transaction
from django.utils import timezone

from salesguide.domain.errors import Message, RuleViolation, gettext_noop
from salesguide.models import (
    Activity,
    ActivityType,
    Company,
    Competitor,
    Contact,
    Document,
    Reason,
    Sale,
    SaleType,
    StageChange,
    User,
)
from salesguide.queries.guides import GuideStageView, guide_of_sale_type
from salesguide.services import activities, customers, documents, sales, stored_aging
from salesguide.services import company as company_service
from salesguide.services.demo_data import (
    CALL_BACK,
    COMPANIES,
    COUNTRY,
    OUR_COMPANY,
    PLAN,
    USERS,
    DemoCompany,
    PlannedSale,
    demo_lines,
    demo_logo,
)
from salesguide.services.sale_lines import replace_sale_lines
from salesguide.services.starter import default_language, load_starter_guides, starter_guide_paths

# --- loading -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoSummary:
    """What ``load_demo_data`` did; ``loaded`` is False when the demo data was there already."""

    loaded: bool
    companies: int = 0
    contacts: int = 0
    users: tuple[str, ...] = ()
    created_users: int = 0
    sales: int = 0
    activities: int = 0
    documents: int = 0


def demo_data_loaded() -> bool:
    names = [company.name for companies in COMPANIES.values() for company in companies]
    return Company.objects.filter(name__in=names).exists()


@transaction.atomic
def load_demo_data(language: str | None = None) -> DemoSummary:
    """Load the demo data in ``language`` (default: the installation's), with the starter guides it needs."""
    language = language or default_language()
    paths = starter_guide_paths(language)  # also refuses an unknown language
    if demo_data_loaded():
        return DemoSummary(loaded=False)
    load_starter_guides(language)
    sale_types = _starter_sale_types(
        [yaml.safe_load(p.read_text(encoding="utf-8"))["sale_type"]["name"] for p in paths]
    )
    users, created_users = _demo_users(language)
    active = [user for user in users if user.is_active]
    if not active:
        raise RuleViolation(
            Message(
                gettext_noop(
                    "The demo users manager, sales1 and sales2 are all deactivated; activate one and try again."
                )
            )
        )
    company_service.set_up_demo_company(OUR_COMPANY[language], demo_logo())
    companies = [_company(active[0], company, language) for company in COMPANIES[language]]
    story = _Story(language)
    made = []
    for index, plan in enumerate(PLAN):
        owner = users[plan.owner] if users[plan.owner].is_active else active[0]
        company, contacts = companies[plan.company]
        made.append(story.tell(index, plan, sale_types[plan.guide], owner, company, contacts[index % len(contacts)]))
    # The stories date their stages and activities back after the services wrote them: the stored aging follows.
    stored_aging.rebuild_stored_aging(made)
    return DemoSummary(
        loaded=True,
        companies=len(companies),
        contacts=sum(len(contacts) for _, contacts in companies),
        users=tuple(user.username for user in users),
        created_users=created_users,
        sales=len(made),
        activities=Activity.objects.filter(sale_id__in=made).count(),
        documents=Document.objects.filter(sale_id__in=made).count(),
    )


def _starter_sale_types(names: Sequence[str]) -> list[SaleType]:
    """The starter guides' sale types in their order; one an administrator deleted or emptied is stood in for by
    another, so the demo still loads on an installation that changed its guides."""
    found = [SaleType.objects.filter(name__iexact=name, deleted=False).first() for name in names]
    usable = [t for t in found if t is not None and sales.stages_of(t.pk)]
    if not usable:
        raise RuleViolation(
            Message(gettext_noop("The demo sales need one of the starter guides; restore one and try again."))
        )
    return [t if t in usable else usable[0] for t in found]


def _demo_users(language: str) -> tuple[list[User], int]:
    users, created = [], 0
    for username, role, first_name, last_name in USERS[language]:
        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            user = User(
                username=username,
                role=role,
                language=language,
                first_name=first_name,
                last_name=last_name,
                email=f"{username}@example.com",
            )
            user.set_unusable_password()
            user.save()
            created += 1
        users.append(user)
    return users, created


def _company(actor: User, data: DemoCompany, language: str) -> tuple[Company, list[Contact]]:
    company = customers.create_company(
        actor,
        name=data.name,
        address=data.address,
        postal_code=data.postal_code,
        city=data.city,
        country=COUNTRY[language],
        phone=data.phone,
        email=f"info@{data.domain}",
        website=f"www.{data.domain}",
    )
    contacts = [
        customers.create_contact(
            actor,
            first_name=first,
            last_name=last,
            title=title,
            company_id=company.pk,
            phone=data.phone,
            email=f"{first[0]}.{last.replace(' ', '')}@{data.domain}".lower(),
        )
        for first, last, title in data.contacts
    ]
    return company, contacts


# --- one sale's story --------------------------------------------------------------------------------------------


class _Story:
    """Tells the sales' stories through the services and dates back what each step wrote."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.guides: dict[int, list[GuideStageView]] = {}
        self.reasons = {
            kind: list(Reason.objects.filter(kind=kind, deleted=False).order_by("rank", "id"))
            for kind in ("sold", "lost", "stalled")
        }
        self.competitors = list(Competitor.objects.filter(deleted=False).order_by("rank", "id"))
        self.sale_id = 0
        self.rows_seen = 0
        self.done: list[Activity] = []

    def tell(
        self, index: int, plan: PlannedSale, sale_type: SaleType, owner: User, company: Company, contact: Contact
    ) -> int:
        if sale_type.pk not in self.guides:
            self.guides[sale_type.pk] = guide_of_sale_type(sale_type).stages
        stages = self.guides[sale_type.pk]
        reached = min(plan.stage, len(stages) - 1)
        begin = self.now - dt.timedelta(days=plan.age)
        end = self.now - dt.timedelta(days=plan.closed_ago)
        step = (end - begin) / (reached + 1)
        title = plan.titles[0 if self.language == "en" else 1]
        closes = plan.outcome in ("sold", "lost")
        expected = end.date() if closes else self.today + dt.timedelta(days=14 * (len(stages) - reached) + index % 10)
        sale = sales.create_sale(
            owner,
            title=title,
            sale_type_id=sale_type.pk,
            company_id=company.pk,
            contact_id=contact.pk,
            amount=plan.amount * 100,
            expected_date=expected,
        )
        if index % 3 == 0:
            sale = replace_sale_lines(owner, sale.pk, demo_lines(sale.amount, self.language), version=sale.version)
        self.sale_id, self.rows_seen, self.done = sale.pk, 0, []
        self._happened(begin)
        for i in range(reached + 1):
            entered = begin + step * i
            if i:
                sales.move_sale_to_stage(owner, sale.pk, stages[i].stage_id)
                self._happened(entered)
            if i < reached or closes:
                self._finish_stage(index, i, owner, sale, stages[i], entered, step)
            else:
                self._work_in_stage(index, plan, owner, sale, stages[i], entered, step)
        # Completed last, when every follow-up of the story exists: completing then has no next one to offer,
        # which spares a draft per completion.
        for activity in self.done:
            self._complete(owner, activity)
        if plan.manual_probability is not None:
            sales.set_sale_probability(owner, sale.pk, plan.manual_probability)
            self._happened(begin + step * (reached + 0.5))
        self._close(index, plan, owner, sale, stages[reached], end)
        Sale.objects.filter(pk=sale.pk).update(created_at=begin, stage_entered_at=begin + step * reached)
        return sale.pk

    def _happened(self, when: dt.datetime) -> None:
        """Date the stage-change rows the last step wrote to the moment it happened in the story."""
        StageChange.objects.filter(sale_id=self.sale_id, pk__gt=self.rows_seen).update(at=when)
        self.rows_seen = (
            StageChange.objects.filter(sale_id=self.sale_id).order_by("-pk").values_list("pk", flat=True).first() or 0
        )

    def _office_hours(self, moment: dt.datetime, index: int) -> dt.datetime:
        """The same day at a plausible hour (9:00–16:00), never later than now."""
        local = timezone.localtime(moment)
        at = local.replace(hour=9 + index % 8, minute=0, second=0, microsecond=0)
        return min(at, self.now - dt.timedelta(hours=1)) if moment <= self.now else at

    def _followup(
        self, owner: User, sale: Sale, suggestion_id: int, start: dt.datetime, planned: dt.datetime
    ) -> Activity:
        activity = activities.create_followup_from_suggestion(owner, sale.pk, suggestion_id, start=start)
        Activity.objects.filter(pk=activity.pk).update(created_at=min(planned, self.now))
        return activity

    def _complete(self, owner: User, activity: Activity) -> None:
        # The story plans every follow-up itself: completing must not create the next one on its own, whatever
        # the owner's preference, so the owner acts here as someone who is asked first (nothing is saved).
        actor = copy.copy(owner)
        actor.confirm_suggested_followups = True
        activities.complete_activity(actor, activity.pk)
        done = activity.start + dt.timedelta(minutes=activity.duration_minutes)
        Activity.objects.filter(pk=activity.pk).update(completed_at=min(done, self.now))

    def _document(self, owner: User, sale: Sale, suggestion_id: int, when: dt.datetime) -> None:
        document = documents.create_document_from_suggestion(owner, sale.pk, suggestion_id)
        Document.objects.filter(pk=document.pk).update(created_at=min(when, self.now))

    def _finish_stage(
        self,
        index: int,
        number: int,
        owner: User,
        sale: Sale,
        stage: GuideStageView,
        entered: dt.datetime,
        step: dt.timedelta,
    ) -> None:
        """A stage the sale went through: its follow-ups done and its documents made — all but the odd one, as in
        real life, so that guide adherence has something to show."""
        followups = [f for j, f in enumerate(stage.followups) if j == 0 or (index + number + j) % 4 != 3]
        made = [d for d in stage.documents if (index + number) % 3 != 2]
        count = len(followups) + len(made)
        for j, followup in enumerate(followups):
            start = self._office_hours(entered + step * (j + 1) / (count + 1), j)
            self.done.append(self._followup(owner, sale, followup.id, start, entered))
        for j, document in enumerate(made, start=len(followups)):
            self._document(owner, sale, document.id, entered + step * (j + 1) / (count + 1))

    def _work_in_stage(
        self,
        index: int,
        plan: PlannedSale,
        owner: User,
        sale: Sale,
        stage: GuideStageView,
        entered: dt.datetime,
        step: dt.timedelta,
    ) -> None:
        """The stage an open or stalled sale is in: the first follow-up done, the next one planned (upcoming or
        overdue), and on every other sale the stage's first document made."""
        followups = list(stage.followups)
        if len(followups) >= 2:
            first = self._followup(owner, sale, followups[0].id, self._office_hours(entered + step / 4, index), entered)
            self.done.append(first)
            followups = followups[1:]
        if followups and plan.outcome in ("upcoming", "overdue"):
            days = 1 + index % 9 if plan.outcome == "upcoming" else -(1 + index % 4)
            day = self.today + dt.timedelta(days=days)
            start = timezone.make_aware(dt.datetime.combine(day, dt.time(9 + index % 8)))
            self._followup(owner, sale, followups[0].id, max(start, entered + dt.timedelta(hours=1)), entered)
        if stage.documents and index % 2 == 0:
            self._document(owner, sale, stage.documents[0].id, entered + step / 2)

    def _close(
        self, index: int, plan: PlannedSale, owner: User, sale: Sale, stage: GuideStageView, end: dt.datetime
    ) -> None:
        if plan.outcome == "sold":
            sales.close_sale_as_sold(
                owner, sale.pk, date=timezone.localtime(end).date(), reason_id=self._pick(self.reasons["sold"], index)
            )
            self._happened(end)
            if plan.closed_ago >= 20:
                sales.complete_sale(owner, sale.pk)
        elif plan.outcome == "lost":
            competitor = self._pick(self.competitors, index) if index % 2 == 0 else None
            sales.close_sale_as_lost(
                owner,
                sale.pk,
                date=timezone.localtime(end).date(),
                reason_id=self._pick(self.reasons["lost"], index),
                competitor_id=competitor,
            )
            self._happened(end)
        elif plan.outcome == "stalled":
            reopen_on = self.today + dt.timedelta(days=14 + index % 30)
            reason = self._pick(self.reasons["stalled"], index)
            sales.stall_sale(owner, sale.pk, reopen_date=reopen_on, reason_id=reason)
            self._happened(end)
            self._call_back(owner, sale, stage, reopen_on)

    def _call_back(self, owner: User, sale: Sale, stage: GuideStageView, reopen_on: dt.date) -> None:
        """What stalling proposes: a follow-up on the re-open date."""
        live = ActivityType.objects.filter(deleted=False)
        planned = live.filter(pk=stage.followups[0].activity_type_id).first() if stage.followups else None
        activity_type = planned or live.order_by("rank", "id").first()
        if activity_type is None:
            return
        activities.create_activity(
            owner,
            activity_type_id=activity_type.pk,
            title=CALL_BACK[self.language].format(title=sale.title),
            start=timezone.make_aware(dt.datetime.combine(reopen_on, dt.time(10))),
            sale_id=sale.pk,
        )

    @staticmethod
    def _pick(items: Sequence[Reason] | Sequence[Competitor], index: int) -> int | None:
        return items[index % len(items)].pk if items else None
