"""Exit criteria through every door (SPEC 6.3, API.md "Exit criteria and stage aging", issue 12): one table of
moves, each played through the services, the REST API, the web (guide tab, sold form, the move dialog), the
board and an import — in every mode — and each door must answer the same: the move made or refused, the same
required items named as missing or warned of, the sale where it should be, and the override reason on the
history row. A refused move changes nothing.

The guided sale type: Qualify → Propose → Negotiate → Contract. "Needs call" (a follow-up of Qualify) and
"Proposal letter" (a document of Propose) are required before leaving their stage; "Intro call" is not.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from scenario_doors import Browser, Refused, forms_of, sales_csv
from scenario_world import TODAY, World

from salesguide.domain.errors import DomainError, NotAllowed
from salesguide.domain.exit_criteria import ExitCriteriaNotMet
from salesguide.models import Activity, Sale, SaleType, StageChange, SuggestedDocument, SuggestedFollowup, User
from salesguide.services import accounts, activities, documents, sales

pytestmark = pytest.mark.django_db

REQUIRED = ("Needs call", "Proposal letter")


@dataclass(frozen=True)
class Answer:
    """What a door answered: refused (and the required items it named), or made with these warnings."""

    refused: bool
    missing: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    not_allowed: bool = False


def _names(items: Any) -> tuple[str, ...]:
    return tuple(item["name"] if isinstance(item, dict) else item.name for item in items)


def _named(text: str) -> tuple[str, ...]:
    """The required items a page's message names, in the order it names them."""
    found = [(text.find(name), name) for name in REQUIRED if name in text]
    return tuple(name for _, name in sorted(found))


# --- the doors -------------------------------------------------------------------------------------------------


class Service:
    name = "service"

    def __init__(self, world: World) -> None:
        self.world = world

    def _do(self, call: Any) -> Answer:
        try:
            sale = call()
        except ExitCriteriaNotMet as error:
            return Answer(True, missing=_names(error.missing))
        except NotAllowed:
            return Answer(True, not_allowed=True)
        except DomainError as error:
            raise Refused(str(error)) from error
        return Answer(False, warnings=_names(sale.exit_warnings))

    def move(self, user: User, sale_id: int, stage_id: int, override: str | None = None) -> Answer:
        return self._do(lambda: sales.move_sale_to_stage(user, sale_id, stage_id, override_reason=override))

    def edit_stage(self, user: User, sale_id: int, stage_id: int, override: str | None = None) -> Answer:
        version = Sale.objects.get(pk=sale_id).version
        return self._do(
            lambda: sales.update_sale(user, sale_id, version=version, stage_id=stage_id, override_reason=override)
        )

    def sold(self, user: User, sale_id: int, override: str | None = None) -> Answer:
        return self._do(lambda: sales.close_sale_as_sold(user, sale_id, override_reason=override))


class Api:
    name = "api"

    def __init__(self, world: World) -> None:
        self.client = Client()

    def _send(self, user: User, path: str, body: dict[str, Any], method: str = "post") -> Answer:
        token = accounts.create_token(user, "exit criteria")[1]
        headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
        send = getattr(self.client, method)
        response = send("/api/v1/" + path, json.dumps(body), content_type="application/json", headers=headers)
        assert response.status_code < 500, response.content
        answer = response.json()
        if response.status_code == 422 and "missing" in answer:
            assert isinstance(answer["detail"], str) and answer["detail"]
            assert {item["kind"] for item in answer["missing"]} <= {"followup", "document"}
            return Answer(True, missing=_names(answer["missing"]))
        if response.status_code == 403:
            assert answer["detail"]
            return Answer(True, not_allowed=True)
        if response.status_code >= 400:
            raise Refused(f"{response.status_code} {answer}")
        return Answer(False, warnings=_names(answer["warnings"]))

    def _version(self, sale_id: int) -> int:
        return int(Sale.objects.get(pk=sale_id).version)

    def move(self, user: User, sale_id: int, stage_id: int, override: str | None = None) -> Answer:
        body: dict[str, Any] = {"stage_id": stage_id, "version": self._version(sale_id)}
        if override is not None:
            body["override_reason"] = override
        return self._send(user, f"sales/{sale_id}/stage", body)

    def edit_stage(self, user: User, sale_id: int, stage_id: int, override: str | None = None) -> Answer:
        body: dict[str, Any] = {"stage_id": stage_id, "version": self._version(sale_id)}
        if override is not None:
            body["override_reason"] = override
        return self._send(user, f"sales/{sale_id}", body, method="patch")

    def sold(self, user: User, sale_id: int, override: str | None = None) -> Answer:
        body: dict[str, Any] = {"version": self._version(sale_id)}
        if override is not None:
            body["override_reason"] = override
        return self._send(user, f"sales/{sale_id}/sold", body)


def _web_answer(browser: Browser, post: Any) -> Answer:
    """Post, then read what the user sees: a refusal names the missing items (and, for someone who may, offers
    the reason field); a move made in warn mode says what was not done."""
    try:
        page = post()
    except Refused as refused:
        text = str(refused)
        if "Only a manager or an administrator" in text:
            return Answer(True, not_allowed=True)
        return Answer(True, missing=_named(text))
    warning = re.findall(r'class="message message--warning"[^>]*>.*?<p class="message__text">(.*?)</p>', page, re.S)
    return Answer(False, warnings=_named(" ".join(warning)))


class Web:
    """The guide tab's "Move to this stage", the sold form, and the move dialog they lead to when required items
    are missing (where a manager gives the reason to move on anyway)."""

    name = "web"

    def __init__(self, world: World) -> None:
        self.world = world

    def move(self, user: User, sale_id: int, stage_id: int, override: str | None = None) -> Answer:
        browser = Browser(user)
        action = f"/sales/{sale_id}/guide/stages/{stage_id}/move/"
        form = browser.form(f"/sales/{sale_id}/?tab=guide&all=1", action)
        if override is None:
            return _web_answer(browser, lambda: browser.submit(form))
        # A manager is shown the move dialog with what is missing, and moves on there with the reason.
        dialog = f"/sales/{sale_id}/stages/{stage_id}/move-on/"
        form = browser.form(dialog)
        return _web_answer(browser, lambda: browser.submit(form, {"override_reason": override}))

    def edit_stage(self, user: User, sale_id: int, stage_id: int, override: str | None = None) -> Answer:
        # The card's Edit form, its stage field changed; a refusal shows on the form, the typed values kept.
        browser = Browser(user)
        form = browser.form(f"/sales/{sale_id}/edit/")
        return _web_answer(browser, lambda: browser.submit(form, {"stage": stage_id}))

    def sold(self, user: User, sale_id: int, override: str | None = None) -> Answer:
        browser = Browser(user)
        form = browser.form(f"/sales/{sale_id}/sold/")
        if override is None:
            return _web_answer(browser, lambda: browser.submit(form))
        return _web_answer(browser, lambda: browser.submit(form, {"override_reason": override}))


class Board:
    """The board's "Move to" menu on the sale's card; a refusal lands on the move dialog."""

    name = "board"

    def __init__(self, world: World) -> None:
        self.world = world

    def move(self, user: User, sale_id: int, stage_id: int, override: str | None = None) -> Answer:
        browser = Browser(user)
        sale = Sale.objects.get(pk=sale_id)
        url = f"/board/?sale_type={sale.sale_type_id}&owner=all"
        page = browser.open(url)
        menus = [f for f in forms_of(page, url) if f"/board/sales/{sale_id}/move/" in f.action]
        assert menus, "the card offers no move"
        if override is None:
            return _web_answer(browser, lambda: browser.submit(menus[0], {"stage_id": stage_id}))
        form = browser.form(f"/sales/{sale_id}/stages/{stage_id}/move-on/")
        return _web_answer(browser, lambda: browser.submit(form, {"override_reason": override}))

    edit_stage = move

    def sold(self, user: User, sale_id: int, override: str | None = None) -> Answer:
        raise NotImplementedError("the board only moves sales")


class Import:
    """A sales file with the sale's id and its new stage or status; an import has no override column, and says
    in its report what a move in warn mode left undone."""

    name = "import"

    def __init__(self, world: World) -> None:
        self.world = world

    def _import(self, user: User, row: dict[str, Any]) -> Answer:
        out, err = io.StringIO(), io.StringIO()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "sales.csv"
            path.write_bytes(sales_csv([row]))
            try:
                call_command("import", "sales", str(path), "--as", user.username, stdout=out, stderr=err)
            except CommandError as error:
                # The problems go to standard error, row by row, before the command fails.
                assert "Nothing was imported" in str(error)
                return Answer(True, missing=_named(err.getvalue()))
        return Answer(False, warnings=_named(out.getvalue()))

    def move(self, user: User, sale_id: int, stage_id: int, override: str | None = None) -> Answer:
        return self._import(user, {"id": sale_id, "stage_id": stage_id})

    edit_stage = move

    def sold(self, user: User, sale_id: int, override: str | None = None) -> Answer:
        return self._import(user, {"id": sale_id, "status": "sold", "closed_date": TODAY})


DOORS = {"service": Service, "api": Api, "web": Web, "board": Board, "import": Import}


# --- the table -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    name: str
    mode: str
    action: str  # move, edit_stage or sold
    to: str | None  # the stage to move to
    answer: Answer
    stage_after: str  # where the sale is afterwards
    status_after: str = "open"
    done: tuple[str, ...] = ()  # required items done before the move
    who: str = "seller"  # or "manager"
    override: str | None = None
    recorded: str | None = None  # the override reason on the move's history row
    doors: tuple[str, ...] = ("service", "api", "web", "board", "import")


NEEDS = ("Needs call",)
ROWS = [
    Row("off: moves freely", "off", "move", "Propose", Answer(False), "Propose"),
    Row("warn: moved, with a warning", "warn", "move", "Propose", Answer(False, warnings=NEEDS), "Propose"),
    Row("block: refused, the missing item named", "block", "move", "Propose", Answer(True, missing=NEEDS), "Qualify"),
    Row(
        "block: the card's stage field is refused too",
        "block",
        "edit_stage",
        "Propose",
        Answer(True, missing=NEEDS),
        "Qualify",
        doors=("service", "api", "web"),
    ),
    Row(
        "warn: the card's stage field moves it, with a warning",
        "warn",
        "edit_stage",
        "Propose",
        Answer(False, warnings=NEEDS),
        "Propose",
        doors=("service", "api", "web"),
    ),
    Row("block: done, so it moves", "block", "move", "Propose", Answer(False), "Propose", done=("Needs call",)),
    Row(
        "block: skipping a stage does not skip its required item",
        "block",
        "move",
        "Negotiate",
        Answer(True, missing=REQUIRED),
        "Qualify",
    ),
    Row(
        "block: a manager moves on with a reason, kept on the history row",
        "block",
        "move",
        "Propose",
        Answer(False),
        "Propose",
        who="manager",
        override="Customer signed the intake by e-mail",
        recorded="Customer signed the intake by e-mail",
        doors=("service", "api", "web", "board"),
    ),
    Row(
        "block: a salesperson cannot override",
        "block",
        "move",
        "Propose",
        Answer(True, not_allowed=True),
        "Qualify",
        override="I know better",
        doors=("service", "api"),
    ),
    Row(
        "block: a manager without a reason is refused like anyone",
        "block",
        "move",
        "Propose",
        Answer(True, missing=NEEDS),
        "Qualify",
        who="manager",
    ),
    Row(
        "block: closing as sold leaves the stage",
        "block",
        "sold",
        None,
        Answer(True, missing=NEEDS),
        "Qualify",
        doors=("service", "api", "web", "import"),
    ),
    Row(
        "warn: sold, with a warning",
        "warn",
        "sold",
        None,
        Answer(False, warnings=NEEDS),
        "Qualify",
        status_after="sold",
        doors=("service", "api", "web", "import"),
    ),
    Row(
        "block: a manager closes as sold with a reason",
        "block",
        "sold",
        None,
        Answer(False),
        "Qualify",
        status_after="sold",
        who="manager",
        override="Signed early",
        recorded="Signed early",
        doors=("service", "api", "web"),
    ),
]
PLAYS = [pytest.param(row, door, id=f"{row.name} [{door}]") for row in ROWS for door in row.doors]


def _do_required(world: World, sale_id: int, names: tuple[str, ...]) -> None:
    seller = world.seller
    for name in names:
        suggestion = world.suggestion(name)
        if SuggestedFollowup.objects.filter(pk=suggestion).exists():
            activity = activities.create_followup_from_suggestion(seller, sale_id, suggestion)
            activities.complete_activity(seller, activity.pk)
        else:
            documents.create_document_from_suggestion(seller, sale_id, suggestion)


def _snapshot(sale_id: int) -> tuple[Any, ...]:
    sale = Sale.objects.get(pk=sale_id)
    return (sale.stage_id, sale.status, sale.probability, sale.version, StageChange.objects.filter(sale=sale).count())


@pytest.mark.parametrize(("row", "door_name"), PLAYS)
def test_every_door_answers_a_move_out_of_a_stage_the_same(world: World, row: Row, door_name: str) -> None:
    guided = world.sale_type("Guided sale")
    SaleType.objects.filter(pk=guided).update(exit_criteria=row.mode)
    SuggestedFollowup.objects.filter(pk=world.suggestion("Needs call")).update(required=True)
    SuggestedDocument.objects.filter(pk=world.suggestion("Proposal letter")).update(required=True)
    sale_id = sales.create_sale(world.seller, title="Big deal", sale_type_id=guided).pk
    _do_required(world, sale_id, row.done)
    user = world.seller if row.who == "seller" else world.colleague
    before = _snapshot(sale_id)
    last_row = StageChange.objects.filter(sale_id=sale_id).order_by("-id").first()

    door = DOORS[door_name](world)
    target = world.stage(row.to) if row.to is not None else None
    if row.action == "sold":
        answer = door.sold(user, sale_id, row.override)
    else:
        assert target is not None
        answer = getattr(door, row.action)(user, sale_id, target, row.override)

    assert answer == row.answer
    sale = Sale.objects.select_related("stage").get(pk=sale_id)
    assert (sale.stage.name if sale.stage else None, sale.status) == (row.stage_after, row.status_after)
    if row.answer.refused:
        assert _snapshot(sale_id) == before, "a refused move changed the sale"
        assert StageChange.objects.filter(sale_id=sale_id).order_by("-id").first() == last_row
    else:
        newest = StageChange.objects.filter(sale_id=sale_id).order_by("-id").first()
        assert newest is not None and newest != last_row
        assert newest.override_reason == row.recorded
    assert not Activity.objects.filter(sale_id=sale_id, suggested_followup__isnull=True).exists()


def test_the_history_tab_shows_the_override_reason(world: World) -> None:
    guided = world.sale_type("Guided sale")
    SaleType.objects.filter(pk=guided).update(exit_criteria="block")
    SuggestedFollowup.objects.filter(pk=world.suggestion("Needs call")).update(required=True)
    sale_id = sales.create_sale(world.seller, title="Big deal", sale_type_id=guided).pk
    sales.move_sale_to_stage(world.colleague, sale_id, world.stage("Propose"), override_reason="Signed by e-mail")
    page = Browser(world.seller).open(f"/sales/{sale_id}/?tab=history")
    assert "Moved on without the required items: Signed by e-mail" in page
    token = accounts.create_token(world.seller, "history")[1]
    rows = Client().get(f"/api/v1/sales/{sale_id}/history", headers={"Authorization": f"Bearer {token}"}).json()
    assert [row["override_reason"] for row in rows["items"]] == [None, "Signed by e-mail"]
