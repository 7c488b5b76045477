"""The demo data itself (``salesguide demo``): the companies with their contacts, and the plan of thirty sales over
the starter guides, in English and Dutch. Plain values only; ``services/demo.py`` loads them through the services.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from salesguide.domain.sale_lines import line_total
from salesguide.models import Role

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

# Our company, the seller in the demo (Settings › Our company). The IBANs are the standard's own examples.
OUR_COMPANY: dict[str, dict[str, str]] = {
    "en": {
        "name": "Clearwater Business Systems Ltd",
        "address": "18 Temple Row",
        "postal_code": "B2 5HG",
        "city": "Birmingham",
        "country": COUNTRY["en"],
        "phone": "0121 496 0800",
        "email": "sales@clearwater-systems.example",
        "website": "www.clearwater-systems.example",
        "registration_number": "09123456",
        "vat_number": "GB 987 6543 21",
        "iban": "GB29 NWBK 6016 1331 9268 19",
    },
    "nl": {
        "name": "Helder Bedrijfssystemen B.V.",
        "address": "Catharijnesingel 56",
        "postal_code": "3511 GE",
        "city": "Utrecht",
        "country": COUNTRY["nl"],
        "phone": "030 210 40 00",
        "email": "verkoop@helder-systemen.example",
        "website": "www.helder-systemen.example",
        "registration_number": "61234567",
        "vat_number": "NL861234567B01",
        "iban": "NL91 ABNA 0417 1643 00",
    },
}
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


def demo_logo() -> bytes:
    """The demo company's logo: three rising bars and a wave in blues, drawn here so the repository holds no
    image (the same bytes every time)."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (480, 160), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    for index, (height, colour) in enumerate(((60, (91, 155, 213)), (100, (46, 117, 182)), (150, (31, 78, 121)))):
        left = 10 + index * 60
        draw.rounded_rectangle((left, 155 - height, left + 44, 155), radius=8, fill=colour)
    draw.rounded_rectangle((210, 60, 470, 80), radius=10, fill=(31, 78, 121))
    draw.rounded_rectangle((210, 100, 400, 116), radius=8, fill=(91, 155, 213))
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
