"""The doors onto the same rules: the services, the REST API and the web pages.

Every door offers the same actions (``Door``) and answers in the same plain values, so a scenario runs
unchanged through each. A new door (the board, an import) is one more class here and one more name in
``DOORS``. A door refuses with ``Refused`` however its refusal looks (a domain error, a 4xx answer, a form
shown again with an error, an error message, or no form offering the action at all).

The board door offers only what the board does (moving a sale); the table plays through it the scenarios that
only move (``offers``). The import door (issue 11) offers what a sales file can say: a new sale in a stage and
status, and a sale's new stage or status.

The web door behaves like a browser: it opens the page, reads the form the page shows (hidden ``version``
included, disabled fields left out, the selected option of each select), changes what the user changes and
posts it; after a redirect it reads the page the browser lands on.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import tempfile
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urljoin, urlsplit

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from scenario_world import USER_ZONE, Offer, Proposal, World

from salesguide.domain.errors import DomainError
from salesguide.models import Sale, User
from salesguide.queries.sale_guide import sale_guide
from salesguide.services import accounts, activities, catalog, documents, sale_types, sales


class Refused(Exception):
    """The door did not do it; the sale must be as it was."""


class Door(Protocol):
    name: str

    def create(self, *, title: str, sale_type_id: int, amount: int = 0, currency: str | None = None) -> int: ...

    def edit(self, sale_id: int, **changes: Any) -> None: ...

    def change_type(self, sale_id: int, sale_type_id: int, stage_id: int | None = None) -> None: ...

    def move(self, sale_id: int, stage_id: int) -> None: ...

    def sold(self, sale_id: int, *, date: dt.date, reason_id: int | None = None, amount: int | None = None) -> None: ...

    def lost(
        self, sale_id: int, *, date: dt.date, reason_id: int | None = None, competitor_id: int | None = None
    ) -> None: ...

    def stall(self, sale_id: int, *, reopen_date: dt.date, reason_id: int | None = None) -> Proposal | None: ...

    def reopen(self, sale_id: int) -> None: ...

    def complete(self, sale_id: int) -> None: ...

    def create_from_suggestion(self, sale_id: int, suggestion_id: int, **overrides: Any) -> None: ...

    def create_document(self, sale_id: int, suggestion_id: int) -> Offer: ...

    def complete_followup(self, sale_id: int, activity_id: int) -> Offer: ...

    def answer_next_followup_offer(self, sale_id: int, suggestion_id: int) -> int: ...

    def delete_stage(self, stage_id: int) -> None: ...

    def delete_sale_type(self, sale_type_id: int) -> None: ...

    def shows_guide(self, sale_id: int) -> bool: ...


# --- the services ------------------------------------------------------------------------------------------


class ServiceDoor:
    """Calls ``salesguide.services`` directly, as the seller (the administrator for configuration)."""

    name = "service"

    def __init__(self, world: World) -> None:
        self.world = world

    def _actor(self) -> User:
        # Fresh from the database on every call, as a request would load it (preferences may have changed).
        return User.objects.get(pk=self.world.seller.pk)

    def _call(self, function: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except DomainError as error:
            raise Refused(str(error)) from error

    def _version(self, sale_id: int) -> int:
        # The version the caller read, as a form or a script would send it back.
        return int(Sale.objects.values_list("version", flat=True).get(pk=sale_id))

    def create(self, *, title: str, sale_type_id: int, amount: int = 0, currency: str | None = None) -> int:
        sale = self._call(
            sales.create_sale, self._actor(), title=title, sale_type_id=sale_type_id, amount=amount, currency=currency
        )
        return int(sale.pk)

    def edit(self, sale_id: int, **changes: Any) -> None:
        self._call(sales.update_sale, self._actor(), sale_id, version=self._version(sale_id), **changes)

    def change_type(self, sale_id: int, sale_type_id: int, stage_id: int | None = None) -> None:
        changes: dict[str, Any] = {"sale_type_id": sale_type_id}
        if stage_id is not None:
            changes["stage_id"] = stage_id
        self.edit(sale_id, **changes)

    def move(self, sale_id: int, stage_id: int) -> None:
        self._call(sales.move_sale_to_stage, self._actor(), sale_id, stage_id, version=self._version(sale_id))

    def set_probability(self, sale_id: int, probability: int) -> None:
        """Only for setting a scene: the other doors set it through ``edit``."""
        self._call(sales.set_sale_probability, self._actor(), sale_id, probability, version=self._version(sale_id))

    def set_preference(self, *, ask_before_creating_next_followup: bool) -> None:
        """Only for setting a scene: the user's "confirm before creating a suggested follow-up"."""
        accounts.update_profile(self._actor(), confirm_suggested_followups=ask_before_creating_next_followup)

    def sold(self, sale_id: int, *, date: dt.date, reason_id: int | None = None, amount: int | None = None) -> None:
        self._call(
            sales.close_sale_as_sold,
            self._actor(),
            sale_id,
            date=date,
            reason_id=reason_id,
            amount=amount,
            version=self._version(sale_id),
        )

    def lost(
        self, sale_id: int, *, date: dt.date, reason_id: int | None = None, competitor_id: int | None = None
    ) -> None:
        self._call(
            sales.close_sale_as_lost,
            self._actor(),
            sale_id,
            date=date,
            reason_id=reason_id,
            competitor_id=competitor_id,
            version=self._version(sale_id),
        )

    def stall(self, sale_id: int, *, reopen_date: dt.date, reason_id: int | None = None) -> Proposal | None:
        actor = self._actor()
        sale = self._call(
            sales.stall_sale,
            actor,
            sale_id,
            reopen_date=reopen_date,
            reason_id=reason_id,
            version=self._version(sale_id),
        )
        # Behaviour 5 of issue 8: the proposal is made in the acting user's time zone, which the service is given.
        proposal = activities.propose_reopen_followup_for(actor, sale.pk)
        if proposal is None:
            return None
        return Proposal(
            activity_type=self.world.activity_type_name(proposal.activity_type_id),
            title=proposal.title,
            start=proposal.start,
            duration_minutes=proposal.duration_minutes,
            text=proposal.text,
        )

    def reopen(self, sale_id: int) -> None:
        self._call(sales.reopen_sale, self._actor(), sale_id, version=self._version(sale_id))

    def complete(self, sale_id: int) -> None:
        self._call(sales.complete_sale, self._actor(), sale_id, completed=True, version=self._version(sale_id))

    def create_from_suggestion(self, sale_id: int, suggestion_id: int, **overrides: Any) -> None:
        self._call(activities.create_followup_from_suggestion, self._actor(), sale_id, suggestion_id, **overrides)

    def create_document(self, sale_id: int, suggestion_id: int) -> Offer:
        created = self._call(documents.create_document_on_guide, self._actor(), sale_id, suggestion_id)
        return Offer(
            advance_to=self.world.stage_name(created.offers.advance_to_stage_id),
            close_as_sold=created.offers.close_as_sold,
        )

    def complete_followup(self, sale_id: int, activity_id: int) -> Offer:
        completion = self._call(activities.complete_activity, self._actor(), activity_id)
        return Offer(
            next_suggestion=self.world.suggestion_name(
                completion.next_suggestion.suggestion_id if completion.next_suggestion else None
            ),
            created_activity=completion.created_activity.title if completion.created_activity else None,
            advance_to=self.world.stage_name(completion.offer_advance_to_stage_id),
            close_as_sold=completion.offer_close_as_sold,
        )

    def answer_next_followup_offer(self, sale_id: int, suggestion_id: int) -> int:
        # Behaviour 3 of issue 8: one service call that cannot create the same step twice.
        answer = self._call(activities.answer_next_followup_offer, self._actor(), sale_id, suggestion_id)
        return int(answer.activity.pk)

    def delete_stage(self, stage_id: int) -> None:
        self._call(catalog.delete_stage, self.world.admin, stage_id)

    def delete_sale_type(self, sale_type_id: int) -> None:
        self._call(sale_types.delete_sale_type, self.world.admin, sale_type_id)

    def shows_guide(self, sale_id: int) -> bool:
        return sale_guide(Sale.objects.select_related("sale_type").get(pk=sale_id)).has_guide

    def import_sale(self, **values: Any) -> int:
        """A one-row import through the import service, as the seller."""
        from salesguide.services.imports import import_rows

        values["sale_type"] = values.pop("sale_type_id")
        result = import_rows(self._actor(), "sales", [(2, values)])
        if result.problems:
            raise Refused("; ".join(problem.message.render() for problem in result.problems))
        return int(Sale.objects.latest("id").pk)

    def hand_over(self, sale_id: int, owner: str) -> None:
        """Only for setting a scene: an administrator makes the sale someone else's."""
        sales.update_sale(self.world.admin, sale_id, version=self._version(sale_id), owner_id=self.world.user(owner))


# --- the REST API ------------------------------------------------------------------------------------------


class ApiDoor:
    """A script with a bearer token: JSON in and out, sending the ``version`` it read."""

    name = "api"

    def __init__(self, world: World) -> None:
        self.world = world
        self.client = Client()
        self.seller = {"Authorization": f"Bearer {accounts.create_token(world.seller, 'scenarios')[1]}"}
        self.admin = {"Authorization": f"Bearer {accounts.create_token(world.admin, 'scenarios')[1]}"}

    def _send(self, method: str, path: str, body: Any = None, *, admin: bool = False) -> Any:
        headers = {"Accept-Language": "en", **(self.admin if admin else self.seller)}
        send = getattr(self.client, method)
        if method in ("get", "delete"):
            response = send("/api/v1/" + path, headers=headers)
        else:
            data = json.dumps(body if body is not None else {})
            response = send("/api/v1/" + path, data, content_type="application/json", headers=headers)
        assert response.status_code < 500, (method, path, response.status_code, response.content)
        if response.status_code >= 400:
            raise Refused(f"{response.status_code} {response.content.decode()}")
        return response.json() if response.content else None

    def _version(self, sale_id: int) -> int:
        return int(self._send("get", f"sales/{sale_id}")["version"])

    def import_sale(self, **values: Any) -> int:
        """``POST /imports/sales`` with a one-row CSV file."""
        file = io.BytesIO(sales_csv([values]))
        file.name = "sale.csv"
        headers = {"Accept-Language": "en", **self.seller}
        response = self.client.post("/api/v1/imports/sales", {"file": file}, headers=headers)
        assert response.status_code < 500, response.content
        if response.status_code >= 400:
            raise Refused(f"{response.status_code} {response.content.decode()}")
        assert response.json()["created"] == 1
        return int(Sale.objects.latest("id").pk)

    def create(self, *, title: str, sale_type_id: int, amount: int = 0, currency: str | None = None) -> int:
        body: dict[str, Any] = {"title": title, "sale_type_id": sale_type_id, "amount": amount}
        if currency is not None:
            body["currency"] = currency
        return int(self._send("post", "sales", body)["id"])

    def edit(self, sale_id: int, **changes: Any) -> None:
        self._send("patch", f"sales/{sale_id}", {"version": self._version(sale_id), **changes})

    def change_type(self, sale_id: int, sale_type_id: int, stage_id: int | None = None) -> None:
        changes: dict[str, Any] = {"sale_type_id": sale_type_id}
        if stage_id is not None:
            changes["stage_id"] = stage_id
        self.edit(sale_id, **changes)

    def move(self, sale_id: int, stage_id: int) -> None:
        self._send("post", f"sales/{sale_id}/stage", {"stage_id": stage_id, "version": self._version(sale_id)})

    def sold(self, sale_id: int, *, date: dt.date, reason_id: int | None = None, amount: int | None = None) -> None:
        body = {"date": date.isoformat(), "reason_id": reason_id, "amount": amount, "version": self._version(sale_id)}
        self._send("post", f"sales/{sale_id}/sold", body)

    def lost(
        self, sale_id: int, *, date: dt.date, reason_id: int | None = None, competitor_id: int | None = None
    ) -> None:
        body = {
            "date": date.isoformat(),
            "reason_id": reason_id,
            "competitor_id": competitor_id,
            "version": self._version(sale_id),
        }
        self._send("post", f"sales/{sale_id}/lost", body)

    def stall(self, sale_id: int, *, reopen_date: dt.date, reason_id: int | None = None) -> Proposal | None:
        body = {"reopen_date": reopen_date.isoformat(), "reason_id": reason_id, "version": self._version(sale_id)}
        proposed = self._send("post", f"sales/{sale_id}/stall", body)["proposed_activity"]
        if proposed is None:
            return None
        return Proposal(
            activity_type=self.world.activity_type_name(proposed["activity_type_id"]),
            title=proposed["title"],
            start=dt.datetime.fromisoformat(proposed["start"]),
            duration_minutes=proposed["duration_minutes"],
            text=proposed["text"],
        )

    def reopen(self, sale_id: int) -> None:
        self._send("post", f"sales/{sale_id}/reopen", {"version": self._version(sale_id)})

    def complete(self, sale_id: int) -> None:
        self._send("post", f"sales/{sale_id}/complete", {"completed": True, "version": self._version(sale_id)})

    def create_from_suggestion(self, sale_id: int, suggestion_id: int, **overrides: Any) -> None:
        body = {
            name: value.isoformat() if isinstance(value, dt.datetime) else value for name, value in overrides.items()
        }
        self._send("post", f"sales/{sale_id}/guide/followups/{suggestion_id}", body)

    def create_document(self, sale_id: int, suggestion_id: int) -> Offer:
        answer = self._send("post", f"sales/{sale_id}/guide/documents/{suggestion_id}")
        advance = answer["offer_advance"]
        return Offer(
            advance_to=self.world.stage_name(advance["to_stage_id"]) if advance else None,
            close_as_sold=answer["offer_close_as_sold"],
        )

    def complete_followup(self, sale_id: int, activity_id: int) -> Offer:
        answer = self._send("post", f"activities/{activity_id}/complete")
        offered, created, advance = answer["next_suggestion"], answer["created_activity"], answer["offer_advance"]
        return Offer(
            next_suggestion=self.world.suggestion_name(offered["suggestion_id"]) if offered else None,
            created_activity=created["title"] if created else None,
            advance_to=self.world.stage_name(advance["to_stage_id"]) if advance else None,
            close_as_sold=answer["offer_close_as_sold"],
        )

    def answer_next_followup_offer(self, sale_id: int, suggestion_id: int) -> int:
        # The answer "Create" to the offer in ``next_suggestion``: a retry gives back the activity already created.
        answer = self._send("post", f"sales/{sale_id}/guide/next-followup/{suggestion_id}")
        return int(answer["id"])

    def delete_stage(self, stage_id: int) -> None:
        self._send("delete", f"stages/{stage_id}", admin=True)

    def delete_sale_type(self, sale_type_id: int) -> None:
        self._send("delete", f"sale-types/{sale_type_id}", admin=True)

    def shows_guide(self, sale_id: int) -> bool:
        return bool(self._send("get", f"sales/{sale_id}/guide")["has_guide"])


# --- the web pages, as a browser uses them -----------------------------------------------------------------


@dataclass
class Form:
    action: str
    fields: dict[str, str] = field(default_factory=dict)
    buttons: list[tuple[str, str]] = field(default_factory=list)
    # Select options, for the fields that are selects: value -> label.
    options: dict[str, dict[str, str]] = field(default_factory=dict)


class _Forms(HTMLParser):
    """The forms of a page and what a browser would send for each: checked boxes only, the selected (or first)
    option of a select, no disabled field, the text of a textarea."""

    def __init__(self, url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.url = url
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: tuple[str, bool, list[tuple[str, bool]]] | None = None
        self._option: dict[str, Any] | None = None
        self._textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value if value is not None else "" for key, value in attrs}
        if tag == "form":
            self._form = Form(action=urljoin(self.url, a.get("action", "")))
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            self._input(a)
        elif tag == "button" and a.get("name"):
            self._form.buttons.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = (a.get("name", ""), "disabled" in a, [])
            self._form.options[a.get("name", "")] = {}
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "selected": "selected" in a, "text": []}
        elif tag == "textarea":
            self._textarea = (a.get("name", "") if "disabled" not in a else "", [])

    def _input(self, a: dict[str, str]) -> None:
        assert self._form is not None
        name, kind = a.get("name"), a.get("type", "text")
        if not name or "disabled" in a or kind in ("file", "reset", "image"):
            return
        if kind in ("submit", "button"):
            self._form.buttons.append((name, a.get("value", "")))
        elif kind in ("checkbox", "radio"):
            if "checked" in a:
                self._form.fields[name] = a.get("value", "on")
        else:
            self._form.fields[name] = a.get("value", "")

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option["text"].append(data)
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self._option is not None and self._select is not None:
            text = "".join(self._option["text"]).strip()
            value = self._option["value"] if self._option["value"] is not None else text
            self._select[2].append((value, self._option["selected"]))
            if self._form is not None:
                self._form.options[self._select[0]][value] = text
            self._option = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, disabled, options = self._select
            chosen = [value for value, selected in options if selected] or [value for value, _ in options[:1]]
            if name and not disabled and chosen:
                self._form.fields[name] = chosen[0]
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            name, parts = self._textarea
            if name:
                # A browser drops the line break that opens a textarea's content (Django writes one).
                self._form.fields[name] = "".join(parts).removeprefix("\r\n").removeprefix("\n")
            self._textarea = None
        elif tag == "form":
            self._form = None


def forms_of(html: str, url: str) -> list[Form]:
    parser = _Forms(url)
    parser.feed(html)
    return parser.forms


def _path(url: str) -> str:
    return urlsplit(url).path


class Browser:
    """A logged-in browser without its own ideas: it sends what the page's forms hold."""

    def __init__(self, user: User) -> None:
        self.client = Client()
        self.client.force_login(user)
        self.landed = ""

    def open(self, url: str) -> str:
        response = self.client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return str(response.content.decode())

    def form(self, url: str, action: str | None = None) -> Form:
        """The form on the page at ``url`` that posts to ``action`` (a path; the page itself when None)."""
        wanted = _path(action or url)
        found = [f for f in forms_of(self.open(url), url) if _path(f.action) == wanted]
        if not found:
            raise Refused(f"the page {url} offers no form posting to {wanted}")
        return found[0]

    def submit(self, form: Form, changes: dict[str, Any] | None = None) -> str:
        """Post the form with the user's changes; the page the browser ends on. A form shown again (4xx) or an
        error message on the page after the redirect is a refusal."""
        data = {**form.fields, **{name: str(value) for name, value in (changes or {}).items()}}
        response = self.client.post(form.action, data)
        assert response.status_code < 500, (form.action, response.status_code)
        if response.status_code != 302:
            raise Refused(f"{response.status_code}: {_errors(response.content.decode())}")
        page = self.open(response["Location"])
        if 'class="message message--error"' in page:
            raise Refused(_errors(page))
        self.landed = response["Location"]
        return page


def _errors(html: str) -> str:
    texts = re.findall(r'class="(?:field__error|form__errors|message__text)"[^>]*>(.*?)</', html, re.S)
    return " | ".join(re.sub(r"<[^>]+>", " ", t).strip() for t in texts) or "(no message shown)"


def _section(html: str, start: str, end: str) -> str:
    begin = html.find(start)
    if begin < 0:
        return ""
    stop = html.find(end, begin + len(start))
    return html[begin : stop if stop >= 0 else len(html)]


def _amount_typed(minor: int) -> str:
    """An amount as a user of the English interface types it."""
    return f"{minor // 100}.{minor % 100:02d}"


class WebDoor:
    """The pages, as the seller (the administrator for the settings) clicks through them."""

    name = "web"

    def __init__(self, world: World) -> None:
        self.world = world
        self.seller = Browser(world.seller)
        self.admin = Browser(world.admin)
        # The offer's form as it was shown: a second click, or another tab, posts it again.
        self.offer_forms: dict[tuple[int, int], Form] = {}

    def create(self, *, title: str, sale_type_id: int, amount: int = 0, currency: str | None = None) -> int:
        form = self.seller.form("/sales/new/")
        changes = {"title": title, "sale_type": sale_type_id, "amount": _amount_typed(amount)}
        if currency is not None:
            changes["currency"] = currency
        self.seller.submit(form, changes)
        match = re.fullmatch(r"/sales/(\d+)/", _path(self.seller.landed))
        assert match, self.seller.landed
        return int(match.group(1))

    def edit(self, sale_id: int, **changes: Any) -> None:
        form = self.seller.form(f"/sales/{sale_id}/edit/")
        typed = {name: _amount_typed(value) if name == "amount" else value for name, value in changes.items()}
        self.seller.submit(form, typed)

    def change_type(self, sale_id: int, sale_type_id: int, stage_id: int | None = None) -> None:
        url = f"/sales/{sale_id}/edit/"
        form = self.seller.form(url)
        # Choosing the type makes htmx fetch the new type's stages into the stage select (with the stage select
        # included), which the user then picks from.
        options_html = self.seller.open(f"/sales/stage-options/?sale_type={sale_type_id}&stage={form.fields['stage']}")
        swapped = forms_of(f'<form><select name="stage">{options_html}</select></form>', url)[0]
        changes: dict[str, Any] = {"sale_type": sale_type_id}
        if stage_id is None:
            changes["stage"] = swapped.fields.get("stage", "")
        elif str(stage_id) in swapped.options["stage"]:
            changes["stage"] = stage_id
        elif str(stage_id) != form.fields["stage"]:
            # Only a browser without JavaScript keeps a stage of the old type: the one the sale is in.
            raise Refused("the stage select offers no such stage")
        self.seller.submit(form, changes)

    def move(self, sale_id: int, stage_id: int) -> None:
        # "Move to this stage" on the guide tab, showing every stage.
        form = self.seller.form(f"/sales/{sale_id}/?tab=guide&all=1", f"/sales/{sale_id}/guide/stages/{stage_id}/move/")
        self.seller.submit(form)

    def sold(self, sale_id: int, *, date: dt.date, reason_id: int | None = None, amount: int | None = None) -> None:
        form = self.seller.form(f"/sales/{sale_id}/sold/")
        changes: dict[str, Any] = {"date": date.isoformat(), "reason": reason_id or ""}
        if amount is not None:
            changes["amount"] = _amount_typed(amount)
        self.seller.submit(form, changes)

    def lost(
        self, sale_id: int, *, date: dt.date, reason_id: int | None = None, competitor_id: int | None = None
    ) -> None:
        form = self.seller.form(f"/sales/{sale_id}/lost/")
        self.seller.submit(
            form, {"date": date.isoformat(), "reason": reason_id or "", "competitor": competitor_id or ""}
        )

    def stall(self, sale_id: int, *, reopen_date: dt.date, reason_id: int | None = None) -> Proposal | None:
        form = self.seller.form(f"/sales/{sale_id}/stall/")
        self.seller.submit(form, {"reopen_date": reopen_date.isoformat(), "reason": reason_id or ""})
        # The browser lands on the proposed follow-up, a form to save or skip; its start is on the user's clock.
        # Its text is what the form's text area holds.
        assert _path(self.seller.landed) == f"/sales/{sale_id}/stall/followup/", self.seller.landed
        proposed = self.seller.form(self.seller.landed)
        if not proposed.fields.get("activity_type"):
            return None
        day = dt.date.fromisoformat(proposed.fields["start_date"])
        hour, minute = (int(part) for part in proposed.fields["start_time"].split(":")[:2])
        return Proposal(
            activity_type=proposed.options["activity_type"][proposed.fields["activity_type"]],
            title=proposed.fields["title"],
            start=dt.datetime.combine(day, dt.time(hour, minute), tzinfo=USER_ZONE),
            duration_minutes=int(proposed.fields["duration_minutes"]),
            text=proposed.fields.get("text", ""),
        )

    def reopen(self, sale_id: int) -> None:
        self.seller.submit(self.seller.form(f"/sales/{sale_id}/reopen/"))

    def complete(self, sale_id: int) -> None:
        # The "Completed" checkbox in the card's header.
        form = self.seller.form(f"/sales/{sale_id}/", f"/sales/{sale_id}/completed/")
        self.seller.submit(form, {"completed": "1"})

    def _create_link(self, sale_id: int, kind: str, suggestion_id: int) -> str:
        """The guide tab's Create for a suggestion, as the user finds it (every stage shown); none: refused."""
        url = f"/sales/{sale_id}/guide/{kind}-suggestions/{suggestion_id}/create/"
        if f'href="{url}?' not in self.seller.open(f"/sales/{sale_id}/?tab=guide&all=1"):
            raise Refused("the guide offers no Create for this suggestion")
        return url

    def create_from_suggestion(self, sale_id: int, suggestion_id: int, **overrides: Any) -> None:
        url = self._create_link(sale_id, "followup", suggestion_id)
        form = self.seller.form(url)
        names = {"activity_type_id": "activity_type", "owner_id": "owner"}
        changes = {}
        for name, value in overrides.items():
            if isinstance(value, dt.datetime):
                value = value.astimezone(USER_ZONE).strftime("%Y-%m-%dT%H:%M")
            changes[names.get(name, name)] = value
        self.seller.submit(form, changes)

    def create_document(self, sale_id: int, suggestion_id: int) -> Offer:
        form = self.seller.form(self._create_link(sale_id, "document", suggestion_id))
        return self._offers_on(sale_id, self.seller.submit(form))

    def _offers_on(self, sale_id: int, page: str) -> Offer:
        """The questions the page the browser landed on asks."""
        question = _section(page, 'id="next-followup-question"', "</dialog>")
        offered = re.search(r"followup-suggestions/(\d+)/next/", question)
        if offered:
            # Create opens the follow-up form, prefilled; the user saves it as it is.
            link = re.search(r'class="btn btn--primary guide-question__create" href="([^"]+)"', question)
            assert link, "the question offers no Create"
            url = urljoin(self.seller.landed, link.group(1).replace("&amp;", "&"))
            self.offer_forms[(sale_id, int(offered.group(1)))] = self.seller.form(url, url)
        advance = re.search(r"/guide/stages/(\d+)/move/", _section(page, 'id="advance-question"', "</dialog>"))
        created = re.search(r"The next suggested follow-up “(.+?)” was created", page)
        return Offer(
            next_suggestion=self.world.suggestion_name(int(offered.group(1))) if offered else None,
            created_activity=created.group(1) if created else None,
            advance_to=self.world.stage_name(int(advance.group(1))) if advance else None,
            close_as_sold='id="close-question"' in page,
        )

    def complete_followup(self, sale_id: int, activity_id: int) -> Offer:
        # The completion checkbox of the follow-up on the guide tab.
        form = self.seller.form(
            f"/sales/{sale_id}/?tab=guide&all=1", f"/sales/{sale_id}/guide/activities/{activity_id}/completed/"
        )
        return self._offers_on(sale_id, self.seller.submit(form, {"completed": "on"}))

    def answer_next_followup_offer(self, sale_id: int, suggestion_id: int) -> int:
        # Create in the question opens the follow-up form; saving it unchanged is the answer "create". The same
        # form saved again (a second click, another tab) must not plan the step twice.
        form = self.offer_forms.get((sale_id, suggestion_id))
        if form is None:
            page_url = f"/sales/{sale_id}/?tab=guide&suggest={suggestion_id}"
            page = self.seller.open(page_url)
            self.seller.landed = page_url
            if not _section(page, 'id="next-followup-question"', "</dialog>"):
                raise Refused("the page asks nothing")
            self._offers_on(sale_id, page)
            form = self.offer_forms[(sale_id, suggestion_id)]
        page = self.seller.submit(form)
        # What the user sees next: the follow-up created from the suggestion, under it on the guide.
        made = re.findall(
            r'id="activity-(\d+)"',
            _section(page, f'id="followup-suggestion-{suggestion_id}"', 'class="suggestion__actions"'),
        )
        assert made, "the guide shows nothing created from the suggestion"
        return int(made[-1])

    def delete_stage(self, stage_id: int) -> None:
        self.admin.submit(self.admin.form(f"/settings/stages/{stage_id}/delete/"))

    def delete_sale_type(self, sale_type_id: int) -> None:
        self.admin.submit(self.admin.form(f"/settings/guides/sale-types/{sale_type_id}/delete/"))

    def shows_guide(self, sale_id: int) -> bool:
        # The card offers a Guide tab only when the sale has a guide to show.
        return "?tab=guide" in self.seller.open(f"/sales/{sale_id}/")


# --- the pipeline board, as a browser uses it ----------------------------------------------------------------


class BoardDoor:
    """The pipeline board (/board/), as the seller uses it: they look for the sale's card on the boards of the sale
    types (their own sales first, then the team's), open its "Move to" menu — the form a drop submits too, with the
    card's version — choose the stage and press Move; the browser lands on the board again.

    The board only moves sales: ``OFFERS`` says so, and the table plays through it exactly the scenarios whose
    steps are all moves (their ``given`` still goes through the services, as for every door)."""

    name = "board"
    OFFERS = frozenset({"move"})

    def __init__(self, world: World) -> None:
        self.world = world
        self.seller = Browser(world.seller)

    def _card(self, sale_id: int) -> tuple[str, str]:
        """The board's URL and page that show the sale's card; Refused when no board does (it is not open)."""
        board = self.seller.open("/board/")
        sale_types = re.findall(r'<option value="(\d+)"', _section(board, 'name="sale_type"', "</select>"))
        for owner in ("me", "all"):
            for sale_type in sale_types:
                url = f"/board/?sale_type={sale_type}&owner={owner}"
                page = self.seller.open(url)
                if f'id="board-card-{sale_id}"' in page:
                    return url, page
        raise Refused("no board shows this sale")

    def move(self, sale_id: int, stage_id: int) -> None:
        url, page = self._card(sale_id)
        action = f"/board/sales/{sale_id}/move/"
        menus = [form for form in forms_of(page, url) if _path(form.action) == action]
        if not menus:
            raise Refused("the card offers no move")
        if str(stage_id) not in menus[0].options.get("stage_id", {}):
            raise Refused("the card's menu offers no such stage (its column refuses the drop)")
        self.seller.submit(menus[0], {"stage_id": stage_id})
        assert _path(self.seller.landed) == "/board/", self.seller.landed


# A file's columns for the values a scenario gives (names stay names: the file refers by name or id).
_FILE_COLUMNS = {
    "id": "Id",
    "title": "Title",
    "sale_type_id": "Sale type",
    "stage": "Stage",
    "stage_id": "Stage",
    "status": "Status",
    "amount": "Amount",
    "currency": "Currency",
    "closed_date": "Closed date",
}


def _cell(name: str, value: Any) -> str:
    if name == "amount":
        return f"{value // 100}.{value % 100:02d}"
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def sales_csv(rows: list[dict[str, Any]]) -> bytes:
    """An English CSV file of sales with the columns the rows use."""
    names = list(dict.fromkeys(name for row in rows for name in row))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_FILE_COLUMNS[name] for name in names])
    for row in rows:
        writer.writerow([_cell(name, row[name]) if row.get(name) is not None else "" for name in names])
    return out.getvalue().encode()


class ImportDoor:
    """A sales file imported with ``salesguide import sales FILE --as <seller>``: a one-row file creates a sale in
    the stage and status it names; a row with a sale's id and a new stage or status moves, closes or reopens it.

    A file has no column for a reason or a competitor and no re-open date, so the door offers only what a file
    can say (``OFFERS``: each action with the inputs it takes); the table plays through it the rows that fit."""

    name = "import"
    OFFERS: dict[str, frozenset[str]] = {
        "import": frozenset({"title", "sale_type", "stage", "status", "amount", "currency", "closed_date"}),
        "move": frozenset({"stage"}),
        "sold": frozenset({"date", "amount"}),
        "lost": frozenset({"date"}),
        "reopen": frozenset(),
    }

    def __init__(self, world: World) -> None:
        self.world = world

    def _import(self, row: dict[str, Any]) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "sales.csv"
            path.write_bytes(sales_csv([row]))
            try:
                call_command(
                    "import",
                    "sales",
                    str(path),
                    "--as",
                    self.world.seller.username,
                    stdout=io.StringIO(),
                    stderr=io.StringIO(),
                )
            except CommandError as error:
                raise Refused(str(error)) from error

    def import_sale(self, **values: Any) -> int:
        self._import(values)
        return int(Sale.objects.latest("id").pk)

    def move(self, sale_id: int, stage_id: int) -> None:
        self._import({"id": sale_id, "stage_id": stage_id})

    def sold(self, sale_id: int, *, date: dt.date, amount: int | None = None) -> None:
        self._import({"id": sale_id, "status": "sold", "closed_date": date, "amount": amount})

    def lost(self, sale_id: int, *, date: dt.date) -> None:
        self._import({"id": sale_id, "status": "lost", "closed_date": date})

    def reopen(self, sale_id: int) -> None:
        self._import({"id": sale_id, "status": "open"})


AnyDoor = type[ServiceDoor] | type[ApiDoor] | type[WebDoor] | type[BoardDoor] | type[ImportDoor]
DOORS: dict[str, AnyDoor] = {
    "service": ServiceDoor,
    "api": ApiDoor,
    "web": WebDoor,
    "board": BoardDoor,
    "import": ImportDoor,
}


def offers(door: AnyDoor, action: str, inputs: Collection[str] = ()) -> bool:
    """Whether a door offers an action with these inputs: every door offers them all, but one that names its
    ``OFFERS`` (the actions, or each action with the inputs it takes). Importing a sale is offered by the doors
    that have a way to (``import_sale``)."""
    offered: Collection[str] | Mapping[str, frozenset[str]] | None = getattr(door, "OFFERS", None)
    if offered is None:
        return action != "import" or hasattr(door, "import_sale")
    if isinstance(offered, Mapping):
        return action in offered and set(inputs) <= offered[action]
    return action in offered
