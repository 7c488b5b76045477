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
from decimal import Decimal

import yaml
from django.db import transaction
from django.utils import timezone

from salesguide.domain.errors import Message, RuleViolation, gettext_noop
from salesguide.domain.sale_lines import line_total
from salesguide.models import (
    Activity,
    ActivityType,
    Company,
    Competitor,
    Contact,
    Document,
    Reason,
    Role,
    Sale,
    SaleType,
    StageChange,
    User,
)
from salesguide.queries.guides import GuideStageView, guide_of_sale_type
from salesguide.services import activities, customers, documents, sales
from salesguide.services.sale_lines import replace_sale_lines
from salesguide.services.starter import default_language, load_starter_guides, starter_guide_paths

# --- the data --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoCompany:
    name: str
    address: str
    postal_code: str
    city: str
    phone: str
    domain: str
    contacts: tuple[tuple[str, str, str], ...]  # first name, last name, job title


COMPANIES: dict[str, tuple[DemoCompany, ...]] = {
    "en": (
        DemoCompany(
            "Harbour Lane Bakery",
            "14 Harbour Lane",
            "BS1 4RN",
            "Bristol",
            "0117 496 0141",
            "harbourlanebakery.example",
            (("Emma", "Clarke", "Owner"), ("James", "Fletcher", "Shop manager")),
        ),
        DemoCompany(
            "Brightwater Logistics",
            "Unit 7, Trafford Park",
            "M17 1PA",
            "Manchester",
            "0161 496 0275",
            "brightwater-logistics.example",
            (
                ("Sarah", "Mitchell", "Operations manager"),
                ("David", "Brooks", "Managing director"),
                ("Laura", "Bennett", "Planner"),
            ),
        ),
        DemoCompany(
            "Northgate Engineering",
            "3 Canal Wharf",
            "LS11 5PS",
            "Leeds",
            "0113 496 0388",
            "northgate-engineering.example",
            (("Richard", "Hale", "Managing director"),),
        ),
        DemoCompany(
            "Oakridge Accountants",
            "22 Micklegate",
            "YO1 6JX",
            "York",
            "01632 960412",
            "oakridge-accountants.example",
            (("Helen", "Foster", "Partner"), ("Tom", "Reid", "IT coordinator")),
        ),
        DemoCompany(
            "Fenwick Metalworks",
            "Sheaf Works, Maltravers Road",
            "S2 5AB",
            "Sheffield",
            "0114 496 0527",
            "fenwick-metalworks.example",
            (("Gareth", "Fenwick", "Owner"), ("Alison", "Pryce", "Buyer")),
        ),
        DemoCompany(
            "Millbrook Dairy",
            "Millbrook Farm, Topsham Road",
            "EX2 6HA",
            "Exeter",
            "01632 960633",
            "millbrookdairy.example",
            (("Peter", "Ashdown", "Owner"),),
        ),
        DemoCompany(
            "Seaview Fisheries",
            "Albert Quay",
            "AB11 5QA",
            "Aberdeen",
            "01632 960749",
            "seaview-fisheries.example",
            (("Callum", "Fraser", "Managing director"), ("Fiona", "Muir", "Quality manager")),
        ),
        DemoCompany(
            "Thistle & Rose Brewery",
            "8 Leith Walk",
            "EH6 5DT",
            "Edinburgh",
            "0131 496 0856",
            "thistleandrose.example",
            (("Ewan", "Stewart", "Head brewer"), ("Kirsty", "Boyd", "General manager")),
        ),
        DemoCompany(
            "Carter Construction",
            "41 Digbeth High Street",
            "B5 6DY",
            "Birmingham",
            "0121 496 0962",
            "carter-construction.example",
            (
                ("Mark", "Carter", "Managing director"),
                ("Rachel", "Dunn", "Project manager"),
                ("Steven", "Price", "Site planner"),
            ),
        ),
        DemoCompany(
            "Riverside Dental Practice",
            "5 Folly Bridge",
            "OX1 4LB",
            "Oxford",
            "01632 960174",
            "riverside-dental.example",
            (("Claire", "Whitfield", "Practice manager"),),
        ),
        DemoCompany(
            "Penrose Cycles",
            "19 Mill Road",
            "CB1 2AD",
            "Cambridge",
            "01632 960281",
            "penrosecycles.example",
            (("Oliver", "Penrose", "Managing director"), ("Lucy", "Hammond", "Marketing")),
        ),
        DemoCompany(
            "The Grand Swan Hotel",
            "2 Pulteney Street",
            "BA2 4DS",
            "Bath",
            "01632 960397",
            "grandswanhotel.example",
            (("Victoria", "Lane", "General manager"), ("Ben", "Marsh", "Reservations")),
        ),
    ),
    "nl": (
        DemoCompany(
            "Bakkerij Van der Meer",
            "Oudegracht 112",
            "3511 AX",
            "Utrecht",
            "030 231 4455",
            "bakkerijvandermeer.example",
            (("Anna", "de Jong", "Eigenaar"), ("Pieter", "van der Meer", "Bedrijfsleider")),
        ),
        DemoCompany(
            "Hoogland Logistiek B.V.",
            "Kraaivenstraat 21",
            "5048 AB",
            "Tilburg",
            "013 463 2810",
            "hoogland-logistiek.example",
            (
                ("Sanne", "Visser", "Operationeel manager"),
                ("Mark", "Hoogland", "Directeur"),
                ("Lisa", "Smit", "Planner"),
            ),
        ),
        DemoCompany(
            "Groenveld Techniek B.V.",
            "Hanzeweg 8",
            "8011 PL",
            "Zwolle",
            "038 422 9031",
            "groenveld-techniek.example",
            (("Jeroen", "Groenveld", "Directeur"),),
        ),
        DemoCompany(
            "De Vries & Partners Accountants",
            "Herestraat 46",
            "9711 LM",
            "Groningen",
            "050 312 7764",
            "devriespartners.example",
            (("Femke", "de Vries", "Partner"), ("Tom", "Mulder", "IT-coördinator")),
        ),
        DemoCompany(
            "Zeeman Metaalbewerking",
            "De Run 4210",
            "5503 LN",
            "Eindhoven",
            "040 253 1187",
            "zeeman-metaal.example",
            (("Ruud", "Zeeman", "Eigenaar"), ("Ingrid", "Bos", "Inkoper")),
        ),
        DemoCompany(
            "Kaasboerderij Verhoef",
            "Goejanverwelledijk 12",
            "2821 LK",
            "Gouda",
            "0182 351 906",
            "kaasboerderijverhoef.example",
            (("Joost", "Verhoef", "Eigenaar"),),
        ),
        DemoCompany(
            "Noordzee Visserij B.V.",
            "Halkade 9",
            "1976 DC",
            "IJmuiden",
            "0255 517 342",
            "noordzeevisserij.example",
            (("Kees", "Brouwer", "Directeur"), ("Marloes", "Dijkstra", "Kwaliteitsmanager")),
        ),
        DemoCompany(
            "Stadsbrouwerij De Eem",
            "Kleine Koppel 3",
            "3812 PG",
            "Amersfoort",
            "033 465 2290",
            "brouwerijdeeem.example",
            (("Bram", "Willems", "Brouwmeester"), ("Eva", "Peters", "Bedrijfsleider")),
        ),
        DemoCompany(
            "Van Dijk Bouw",
            "Industrieweg 15",
            "6827 AC",
            "Arnhem",
            "026 363 8415",
            "vandijkbouw.example",
            (
                ("Hans", "van Dijk", "Directeur"),
                ("Nicole", "Janssen", "Projectleider"),
                ("Wouter", "Kok", "Werkvoorbereider"),
            ),
        ),
        DemoCompany(
            "Tandartspraktijk Molenzicht",
            "Spaarne 61",
            "2011 CE",
            "Haarlem",
            "023 532 6678",
            "molenzicht.example",
            (("Esther", "Mol", "Praktijkmanager"),),
        ),
        DemoCompany(
            "Fietsfabriek Dekker",
            "Tesselschadestraat 30",
            "8913 HB",
            "Leeuwarden",
            "058 213 4971",
            "fietsfabriekdekker.example",
            (("Sjoerd", "Dekker", "Directeur"), ("Linda", "Hoekstra", "Marketing")),
        ),
        DemoCompany(
            "Hotel De Gouden Zwaan",
            "Vrijthof 25",
            "6211 LE",
            "Maastricht",
            "043 321 0554",
            "goudenzwaan.example",
            (("Michel", "Lambert", "Algemeen directeur"), ("Anouk", "Vermeulen", "Reserveringen")),
        ),
    ),
}

COUNTRY = {"en": "United Kingdom", "nl": "Nederland"}
CALL_BACK = {"en": "Call back about {title}", "nl": "Terugbellen over {title}"}

# username, role, first name, last name: a sales manager and two salespeople.
USERS: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    "en": (
        ("manager", Role.MANAGER, "Margaret", "Hughes"),
        ("sales1", Role.SALESPERSON, "Daniel", "Wright"),
        ("sales2", Role.SALESPERSON, "Sophie", "Turner"),
    ),
    "nl": (
        ("manager", Role.MANAGER, "Marieke", "de Vries"),
        ("sales1", Role.SALESPERSON, "Daan", "Jansen"),
        ("sales2", Role.SALESPERSON, "Sophie", "Bakker"),
    ),
}


@dataclass(frozen=True)
class PlannedSale:
    """One sale's story. ``guide``: the starter guide (0 new customer, 1 existing customer, 2 long sales process);
    ``stage``: the index of the stage it reached; ``outcome``: open with its next follow-up ``upcoming`` or
    ``overdue``, or ``sold``, ``lost``, ``stalled``; ``owner``: 0 the manager, 1 and 2 the salespeople;
    ``amount`` in whole currency units; ``age``: days since it was created; ``closed_ago``: days since it was
    closed or stalled."""

    company: int
    guide: int
    stage: int
    outcome: str
    owner: int
    amount: int
    age: int
    closed_ago: int
    manual_probability: int | None
    titles: tuple[str, str]  # English, Dutch


def _plan(
    company: int,
    guide: int,
    stage: int,
    outcome: str,
    owner: int,
    amount: int,
    age: int,
    title_en: str,
    title_nl: str,
    closed_ago: int = 0,
    manual: int | None = None,
) -> PlannedSale:
    return PlannedSale(company, guide, stage, outcome, owner, amount, age, closed_ago, manual, (title_en, title_nl))


PLAN: tuple[PlannedSale, ...] = (
    _plan(0, 0, 0, "upcoming", 1, 12_000, 5, "Online shop for the bakery", "Webwinkel voor de bakkerij"),
    _plan(1, 0, 1, "overdue", 1, 28_500, 20, "Fleet tracking for 25 vans", "Ritregistratie voor 25 bestelbussen"),
    _plan(2, 0, 2, "upcoming", 2, 45_000, 35, "Warehouse scanners", "Magazijnscanners"),
    _plan(3, 0, 3, "upcoming", 1, 18_750, 50, "Accounting software licences", "Licenties boekhoudsoftware", manual=50),
    _plan(4, 0, 4, "overdue", 2, 62_000, 70, "CNC maintenance contract", "Onderhoudscontract CNC-machines"),
    _plan(5, 0, 5, "upcoming", 0, 9_800, 80, "Cheese store climate control", "Klimaatbeheersing kaaspakhuis"),
    _plan(6, 0, 1, "upcoming", 2, 15_000, 12, "Cold-chain monitoring", "Bewaking van de koelketen"),
    _plan(7, 0, 3, "sold", 1, 24_000, 90, "Brewhouse automation", "Automatisering brouwhuis", closed_ago=10),
    _plan(8, 0, 2, "lost", 2, 38_000, 60, "Site management app", "App voor bouwplaatsbeheer", closed_ago=15),
    _plan(
        9, 0, 1, "stalled", 1, 7_500, 40, "Patient reminder service", "Herinneringsdienst voor patiënten", closed_ago=5
    ),
    _plan(10, 1, 0, "upcoming", 2, 6_400, 4, "Bike configurator for the website", "Fietsconfigurator voor de website"),
    _plan(11, 1, 1, "overdue", 1, 14_200, 25, "Booking engine renewal", "Vernieuwing boekingsmodule"),
    _plan(
        0,
        1,
        2,
        "upcoming",
        1,
        22_000,
        30,
        "Extra licences for the shop staff",
        "Extra licenties voor het winkelpersoneel",
    ),
    _plan(1, 1, 3, "upcoming", 2, 31_000, 45, "Route planning upgrade", "Upgrade routeplanning"),
    _plan(2, 1, 2, "sold", 0, 11_000, 50, "Second batch of scanners", "Tweede partij scanners", closed_ago=7),
    _plan(3, 1, 3, "sold", 1, 19_900, 70, "Support contract renewal", "Verlenging supportcontract", closed_ago=20),
    _plan(4, 1, 1, "lost", 2, 8_300, 35, "Training for new staff", "Training voor nieuwe medewerkers", closed_ago=12),
    _plan(5, 1, 0, "overdue", 2, 4_500, 9, "Spare parts subscription", "Abonnement op reserveonderdelen"),
    _plan(
        6, 2, 0, "upcoming", 0, 120_000, 10, "Traceability from boat to buyer", "Traceerbaarheid van boot tot afnemer"
    ),
    _plan(7, 2, 1, "upcoming", 1, 95_000, 30, "Taproom and shop system", "Kassasysteem voor proeflokaal en winkel"),
    _plan(8, 2, 2, "overdue", 2, 150_000, 55, "Building information platform", "Platform voor bouwinformatie"),
    _plan(9, 2, 3, "upcoming", 0, 210_000, 80, "Practice management system", "Praktijkmanagementsysteem", manual=70),
    _plan(10, 2, 4, "upcoming", 1, 180_000, 110, "Dealer portal", "Dealerportaal"),
    _plan(11, 2, 5, "overdue", 2, 135_000, 130, "Guest experience platform", "Platform voor gastbeleving"),
    _plan(
        4, 2, 6, "upcoming", 0, 260_000, 150, "Factory-wide quality system", "Kwaliteitssysteem voor de hele fabriek"
    ),
    _plan(1, 2, 4, "sold", 1, 175_000, 160, "Transport management system", "Transportmanagementsysteem", closed_ago=25),
    _plan(3, 2, 3, "lost", 0, 98_000, 120, "Client portal", "Klantportaal", closed_ago=30),
    _plan(
        0,
        2,
        2,
        "stalled",
        2,
        140_000,
        75,
        "Ordering platform for all branches",
        "Bestelplatform voor alle filialen",
        closed_ago=8,
    ),
    _plan(4, 0, 0, "lost", 1, 5_200, 14, "Pilot: digital work orders", "Pilot digitale werkbonnen", closed_ago=3),
    _plan(5, 0, 2, "upcoming", 1, 33_000, 28, "Farm shop website", "Website voor de boerderijwinkel"),
)

# What every third sale offers, so that its quotations have a table: (English, Dutch, quantity, share of the
# sale's amount in percent). The last line takes what is left, so the lines add up to the planned amount.
LINES: tuple[tuple[str, str, Decimal, int], ...] = (
    ("Software licences, per user", "Softwarelicenties, per gebruiker", Decimal(10), 60),
    ("Installation and configuration, per day", "Installatie en configuratie, per dag", Decimal("2.5"), 25),
    ("Training and support in the first year", "Training en ondersteuning in het eerste jaar", Decimal(1), 0),
)


def demo_lines(amount: int, language: str) -> list[dict[str, object]]:
    """The lines of a demo sale of ``amount`` minor units, adding up to exactly that amount."""
    lines: list[dict[str, object]] = []
    rest = amount
    for number, (english, dutch, quantity, share) in enumerate(LINES):
        last = number == len(LINES) - 1
        unit_price = rest if last else int(Decimal(amount * share) / 100 / quantity)
        rest -= line_total(quantity, unit_price)
        lines.append(
            {"description": english if language == "en" else dutch, "quantity": quantity, "unit_price": unit_price}
        )
    return lines


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
    companies = [_company(active[0], company, language) for company in COMPANIES[language]]
    story = _Story(language)
    made = []
    for index, plan in enumerate(PLAN):
        owner = users[plan.owner] if users[plan.owner].is_active else active[0]
        company, contacts = companies[plan.company]
        made.append(story.tell(index, plan, sale_types[plan.guide], owner, company, contacts[index % len(contacts)]))
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
