"""The lines page of a sale (/sales/<id>/lines/) through the Django test client: rows typed the user's way,
added and removed without JavaScript, saved all at once, errors next to their field, the conflict when the
sale changed meanwhile, and the amount on the card and the edit form that follows the lines."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from salesguide.models import Sale, SaleLine
from salesguide.services import catalog, sale_types, sales
from salesguide.services.sale_lines import replace_sale_lines

pytestmark = pytest.mark.django_db


def text_of(response: Any) -> str:
    """The page as a reader sees it: tags dropped, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def field_error(response: Any, field_id: str) -> str:
    """The error text shown next to the input with ``field_id``."""
    match = re.search(rf'id="{re.escape(field_id)}_error">(.*?)</div>', response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip() if match else ""


def top_errors(response: Any) -> str:
    match = re.search(r'class="form__errors"[^>]*>(.*?)</div>', response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip() if match else ""


def input_value(response: Any, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', response.content.decode())
    if match is None:
        return None
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else ""


@pytest.fixture
def sale(admin_user: Any, salesperson_user: Any) -> Sale:
    """A salesperson's open sale of 500.00 EUR, without lines."""
    lead = catalog.create_stage(admin_user, name="Lead", probability=10)
    offer = catalog.create_stage(admin_user, name="Offer", probability=50)
    sale_type = sale_types.create_sale_type(admin_user, name="New customer", stage_ids=[lead.pk, offer.pk])
    return sales.create_sale(
        salesperson_user, title="Acme website", sale_type_id=sale_type.pk, amount=50_000, currency="EUR"
    )


def lines_url(sale: Sale) -> str:
    return reverse("sales:lines", args=[sale.pk])


def rows(
    *typed: tuple[str, str, str], initial: int = 0, version: int, delete: tuple[int, ...] = (), **extra: str
) -> dict[str, str]:
    """The POST of the lines form: one row per ``(description, quantity, unit price)``, the first ``initial``
    of them existing lines, the rows in ``delete`` ticked for removal."""
    data = {
        "version": str(version),
        "form-TOTAL_FORMS": str(len(typed)),
        "form-INITIAL_FORMS": str(initial),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "200",
        **extra,
    }
    for index, (description, quantity, unit_price) in enumerate(typed):
        data |= {
            f"form-{index}-description": description,
            f"form-{index}-quantity": quantity,
            f"form-{index}-unit_price": unit_price,
        }
        if index in delete:
            data[f"form-{index}-DELETE"] = "on"
    return data


def stored(sale: Sale) -> list[tuple[str, str, int]]:
    return [(line.description, str(line.quantity), line.unit_price) for line in SaleLine.objects.filter(sale=sale)]


EMPTY = ("", "", "")


def test_the_card_offers_to_add_lines_and_the_page_shows_empty_rows(salesperson_client: Client, sale: Sale) -> None:
    # Given a sale without lines, its card links to the lines page
    card = salesperson_client.get(reverse("sales:card", args=[sale.pk]))
    assert f'href="{lines_url(sale)}"' in card.content.decode()
    assert "Add lines" in text_of(card)
    # When the owner opens it
    page = salesperson_client.get(lines_url(sale))
    # Then it shows three empty rows, the sale's amount as the total, and Save, Add a row and Cancel
    assert page.status_code == 200
    assert input_value(page, "form-TOTAL_FORMS") == "3"
    assert input_value(page, "form-0-description") == ""
    text = text_of(page)
    assert "Lines of “Acme website”" in text
    assert "€500.00" in text.replace("\u00a0", " ")
    for button in ("Save", "Add a row", "Cancel"):
        assert button in text


def test_saving_typed_rows_stores_them_and_the_card_shows_the_amount_as_their_total(
    salesperson_client: Client, sale: Sale
) -> None:
    # When the owner types two rows and leaves one empty
    response = salesperson_client.post(
        lines_url(sale), rows(("Design", "2.5", "80.00"), ("Hosting", "12", "14.99"), EMPTY, version=sale.version)
    )
    # Then the card opens, saying the lines are saved with the new amount
    assert response.status_code == 302
    assert response["Location"] == reverse("sales:card", args=[sale.pk])
    assert stored(sale) == [("Design", "2.50", 8_000), ("Hosting", "12.00", 1_499)]
    card = text_of(salesperson_client.get(response["Location"])).replace("\u00a0", " ")
    assert "The lines are saved. The amount is now €379.88." in card
    assert "The total of 2 lines" in card
    # And the lines page shows them again with their totals
    page = salesperson_client.get(lines_url(sale))
    assert (
        input_value(page, "form-0-description"),
        input_value(page, "form-0-quantity"),
        input_value(page, "form-0-unit_price"),
    ) == ("Design", "2.50", "80.00")
    assert input_value(page, "form-1-quantity") == "12"
    assert "€200.00" in text_of(page).replace("\u00a0", " ")


def test_a_ticked_row_is_removed_and_the_rest_kept(
    salesperson_client: Client, salesperson_user: Any, sale: Sale
) -> None:
    # Given a sale with two lines
    saved = replace_sale_lines(
        salesperson_user,
        sale.pk,
        [
            {"description": "Design", "quantity": "1", "unit_price": 10_000},
            {"description": "Hosting", "quantity": "1", "unit_price": 2_000},
        ],
        version=sale.version,
    )
    # When the first is ticked for removal and the form saved
    response = salesperson_client.post(
        lines_url(sale),
        rows(
            ("Design", "1", "100.00"), ("Hosting", "1", "20.00"), EMPTY, initial=2, version=saved.version, delete=(0,)
        ),
    )
    # Then only the second is left and the amount is its total
    assert response.status_code == 302
    assert stored(sale) == [("Hosting", "1.00", 2_000)]
    assert Sale.objects.get(pk=sale.pk).amount == 2_000


def test_removing_every_row_keeps_the_amount_and_lets_it_be_typed_again(
    salesperson_client: Client, salesperson_user: Any, sale: Sale
) -> None:
    saved = replace_sale_lines(
        salesperson_user,
        sale.pk,
        [{"description": "Design", "quantity": "1", "unit_price": 10_000}],
        version=sale.version,
    )
    response = salesperson_client.post(
        lines_url(sale), rows(("Design", "1", "100.00"), initial=1, version=saved.version, delete=(0,))
    )
    assert response.status_code == 302
    assert stored(sale) == []
    card = text_of(salesperson_client.get(response["Location"])).replace("\u00a0", " ")
    assert "The sale has no lines now; its amount stays €100.00 and can be typed again." in card
    assert "Add lines" in card


def test_add_a_row_keeps_what_was_typed_and_shows_one_more_row(salesperson_client: Client, sale: Sale) -> None:
    # When the owner has typed three rows and presses "Add a row"
    response = salesperson_client.post(
        lines_url(sale),
        rows(
            ("Design", "1", "100.00"),
            ("Hosting", "2", "10.00"),
            ("Support", "3", "1.00"),
            version=sale.version,
            add_row="1",
        ),
    )
    # Then the page shows the typed rows, a fourth empty one, and the typed total; nothing is saved yet
    assert response.status_code == 200
    assert input_value(response, "form-TOTAL_FORMS") == "4"
    assert input_value(response, "form-2-description") == "Support"
    assert input_value(response, "form-3-description") == ""
    assert re.search(r'id="lines-total">€123.00<', response.content.decode())
    assert stored(sale) == []


def test_errors_show_next_to_their_field_in_their_row_and_nothing_is_saved(
    salesperson_client: Client, sale: Sale
) -> None:
    # When the owner saves a good row, a row without a description, and a row with quantity 0 and a bad price
    response = salesperson_client.post(
        lines_url(sale),
        rows(("Design", "1", "100.00"), ("", "2", "10.00"), ("Support", "1.125", "abc"), version=sale.version),
    )
    # Then each problem is next to its field and nothing is saved
    assert response.status_code == 422
    assert field_error(response, "id_form-1-description") == "Describe what this line offers."
    assert field_error(response, "id_form-2-quantity") == "Use at most two decimals."
    assert field_error(response, "id_form-2-unit_price") == "Enter an amount such as 1250,50 or 1250.50."
    assert field_error(response, "id_form-0-description") == ""
    assert input_value(response, "form-2-unit_price") == "abc"
    assert stored(sale) == []


def test_a_zero_quantity_is_refused_by_the_rules_next_to_its_field(salesperson_client: Client, sale: Sale) -> None:
    response = salesperson_client.post(
        lines_url(sale), rows(("Design", "1", "100.00"), ("Hosting", "0", "10.00"), version=sale.version)
    )
    assert response.status_code == 422
    assert field_error(response, "id_form-1-quantity") == "The quantity must be more than 0."
    assert field_error(response, "id_form-0-quantity") == ""
    assert stored(sale) == []


def test_a_dutch_user_types_quantities_and_prices_the_dutch_way(make_user: Any, sale: Sale) -> None:
    # Given a Dutch manager
    client = Client()
    client.force_login(make_user("marie", "manager", language="nl"))
    # When she types 1,5 × 1.250,00 and 2 × 0,99
    response = client.post(
        lines_url(sale), rows(("Ontwerp", "1,5", "1.250,00"), ("Hosting", "2", "0,99"), version=sale.version)
    )
    # Then 1.50 × 1250.00 and 2 × 0.99 are stored: 1876.98 in all
    assert response.status_code == 302
    assert stored(sale) == [("Ontwerp", "1.50", 125_000), ("Hosting", "2.00", 99)]
    assert Sale.objects.get(pk=sale.pk).amount == 187_698
    # And the page shows them back the Dutch way
    page = client.get(lines_url(sale))
    assert (input_value(page, "form-0-quantity"), input_value(page, "form-0-unit_price")) == ("1,50", "1250,00")
    assert "€\u00a01.876,98" in page.content.decode()


def test_saving_after_someone_else_changed_the_sale_shows_the_conflict_and_keeps_what_was_typed(
    salesperson_client: Client, manager_user: Any, sale: Sale
) -> None:
    # Given a manager renamed the sale after the owner opened the lines page
    sales.update_sale(manager_user, sale.pk, version=sale.version, title="Acme web shop")
    # When the owner saves the lines with the version read before
    response = salesperson_client.post(lines_url(sale), rows(("Design", "1", "100.00"), version=sale.version))
    # Then the conflict is shown with a way to reload, the typed row is still there, and nothing is saved
    assert response.status_code == 422
    assert "Someone else changed this sale meanwhile" in top_errors(response)
    assert f'href="{lines_url(sale)}"' in response.content.decode()
    assert "Reload the sale" in text_of(response)
    assert input_value(response, "form-0-description") == "Design"
    assert stored(sale) == []


def test_another_salesperson_cannot_open_or_save_the_lines(make_user: Any, sale: Sale) -> None:
    client = Client()
    client.force_login(make_user("other", "salesperson"))
    assert client.get(lines_url(sale)).status_code == 403
    assert client.post(lines_url(sale), rows(("Design", "1", "1"), version=sale.version)).status_code == 403
    assert stored(sale) == []
    # And the card shows no link to the lines page
    assert lines_url(sale) not in client.get(reverse("sales:card", args=[sale.pk])).content.decode()


def test_the_edit_form_shows_the_amount_of_a_sale_with_lines_as_their_total_and_does_not_take_another(
    salesperson_client: Client, salesperson_user: Any, sale: Sale
) -> None:
    # Given a sale with lines totalling 100.00
    saved = replace_sale_lines(
        salesperson_user,
        sale.pk,
        [{"description": "Design", "quantity": "1", "unit_price": 10_000}],
        version=sale.version,
    )
    # When the owner opens the edit form
    form = salesperson_client.get(reverse("sales:edit", args=[sale.pk]))
    # Then the amount is shown, not editable, and says where it comes from
    amount_input = re.search(r'<input[^>]*name="amount"[^>]*>', form.content.decode())
    assert amount_input is not None and "disabled" in amount_input.group(0)
    assert "The total of the sale's lines. Change the lines to change it." in text_of(form).replace("&#x27;", "'")
    # And a value sent anyway is not taken: the amount stays the lines' total, the rest is saved
    data = {
        name: value
        for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form.content.decode())
    }
    data |= {
        "title": "Acme website, phase 1",
        "sale_type": str(saved.sale_type_id),
        "owner": str(salesperson_user.pk),
        "currency": "EUR",
        "version": str(saved.version),
        "stage": str(saved.stage_id),
        "probability": str(saved.probability),
        "amount": "999,00",
    }
    response = salesperson_client.post(reverse("sales:edit", args=[sale.pk]), data)
    assert response.status_code == 302
    after = Sale.objects.get(pk=sale.pk)
    assert (after.title, after.amount) == ("Acme website, phase 1", 10_000)
