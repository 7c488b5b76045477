"""``salesguide demo`` loads the demo data after the starter guides: companies with contacts, three demo users
and a living pipeline of sales built through the services — once, however often it runs, in Dutch or English."""

from __future__ import annotations

import io
import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Count, Q
from django.utils import timezone

from salesguide.domain import selling
from salesguide.domain.errors import ValidationFailed
from salesguide.models import Activity, Company, Contact, Document, OurCompany, Sale, SaleType, StageChange, User
from salesguide.queries.sale_guide import sale_guide
from salesguide.services import sales
from salesguide.services.demo import load_demo_data

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def replayed(rows: list[StageChange]) -> tuple[int | None, str, int]:
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


def counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Company, Contact, User, Sale, Activity, Document, StageChange))


# One load per test: building thirty sales through the services takes seconds.


def test_demo_loads_the_demo_data_after_the_starter_guides_once_and_says_what_it_loaded():
    first = run("demo")
    loaded = counts()
    again = run("demo")

    lines = first.splitlines()
    assert lines[:3] == [
        "Loaded the starter guide “Sale to new customer”.",
        "Loaded the starter guide “Sale to existing customer”.",
        "Loaded the starter guide “Long sales process”.",
    ]
    summary = re.fullmatch(
        r"Loaded the demo data: 12 companies, (\d+) contacts, 30 sales with (\d+) activities and (\d+) documents, "
        r"for the users manager, sales1, sales2\.",
        lines[3],
    )
    assert summary is not None and len(lines) == 4
    assert [int(n) for n in summary.groups()] == [
        Contact.objects.count(),
        Activity.objects.count(),
        Document.objects.count(),
    ]
    assert again.splitlines() == ["The starter guides are already loaded.", "The demo data is already loaded."]
    assert counts() == loaded

    # A living pipeline: every status, open sales in several stages of every guide.
    assert 12 <= Contact.objects.count() <= 36
    assert set(Counter(Sale.objects.values_list("status", flat=True))) == {"open", "sold", "lost", "stalled"}
    for sale_type in SaleType.objects.all():
        open_stages = set(Sale.objects.filter(sale_type=sale_type, status="open").values_list("stage", flat=True))
        assert len(open_stages) >= 3, sale_type.name

    # Real history: every sale's rows replay to it, in time order, starting when it was created.
    for sale in Sale.objects.select_related("sale_type"):
        rows = list(StageChange.objects.filter(sale=sale).order_by("at", "id"))
        assert replayed(rows) == (sale.stage_id, sale.status, sale.probability), sale.title
        assert rows[0].kind == "created" and rows[0].at == sale.created_at
        assert [r.at for r in rows] == sorted(r.at for r in rows)
        if sale.status == "open":
            assert sale.stage_id in [s.id for s in sales.stages_of(sale.sale_type_id)]
    furthest = (
        Sale.objects.annotate(moves=Count("stage_changes", filter=Q(stage_changes__kind="stage")))
        .order_by("-moves")
        .first()
    )
    assert furthest is not None and furthest.moves >= 5

    # Follow-ups done and planned from the guides, with dates relative to today.
    now = timezone.now()
    assert not Sale.objects.annotate(n=Count("activities")).filter(n=0).exists()
    from_guide = Activity.objects.filter(suggested_followup__isnull=False)
    assert from_guide.filter(completed_at__isnull=False, completed_at__lte=now).count() >= 50
    open_sales = Sale.objects.filter(status="open")
    assert open_sales.filter(next_activity_at__lt=now).count() >= 3  # overdue
    assert open_sales.filter(next_activity_at__gt=now).count() >= 10  # upcoming
    assert Document.objects.filter(suggested_document__isnull=False).count() >= 20
    ages = [(now - created).days for created in Sale.objects.values_list("created_at", flat=True)]
    assert min(ages) < 7 and max(ages) > 90
    stalled = Sale.objects.filter(status="stalled")
    assert all(s.reopen_date > timezone.localdate() and s.next_activity_at is not None for s in stalled)

    # The guide tab shows the work: the stages a sale went through count what was done in them.
    sale = Sale.objects.filter(status="open").order_by("-probability").select_related("sale_type").first()
    assert sale is not None
    passed = [s for s in sale_guide(sale).stages if s.state == "completed"]
    assert passed and all(s.done >= 1 for s in passed) and any(s.done == s.total for s in passed)


def test_the_dutch_demo_speaks_dutch_keeps_existing_users_and_prints_nothing(make_user, user_password, capsys):
    existing = make_user("sales1", "manager")

    summary = load_demo_data("nl")

    assert capsys.readouterr() == ("", "")
    assert Company.objects.filter(name="Bakkerij Van der Meer", city="Utrecht", country="Nederland").exists()
    assert set(Sale.objects.values_list("sale_type__name", flat=True)) == {
        "Verkoop aan nieuwe klant",
        "Verkoop aan bestaande klant",
        "Lang verkoopproces",
    }
    assert Sale.objects.filter(title="Webwinkel voor de bakkerij").exists()
    assert (summary.users, summary.created_users) == (("manager", "sales1", "sales2"), 2)
    manager, sales2 = User.objects.get(username="manager"), User.objects.get(username="sales2")
    assert (manager.role, manager.language, manager.has_usable_password()) == ("manager", "nl", False)
    assert (sales2.role, sales2.get_full_name()) == ("salesperson", "Sophie Bakker")
    existing.refresh_from_db()
    assert (existing.role, existing.check_password(user_password)) == ("manager", True)
    assert Sale.objects.filter(owner=existing).exists()
    assert load_demo_data("en").loaded is False  # the demo companies are there, whatever the language
    # The demo sells as a Dutch company with a logo, which its letters name (issue 9, item 20)
    seller = OurCompany.objects.get()
    assert (seller.name, seller.city, seller.logo_content_type) == (
        "Helder Bedrijfssystemen B.V.",
        "Utrecht",
        "image/png",
    )


def test_demo_data_in_an_unknown_language_is_refused():
    with pytest.raises(ValidationFailed):
        load_demo_data("de")

    assert not Company.objects.exists()
