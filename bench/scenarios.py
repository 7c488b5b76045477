"""The timed scenarios: requests through the real stack (WSGI handler, middleware, authentication, the view,
serialisation), each timed over many requests after a warm-up, with the SQL statements one request runs and,
where there is one, the raw SQL floor of the same question timed in the same run (``bench.floors``).

API calls carry a bearer token, web pages a logged-in session, both of a manager (who sees and may move every
sale). An endpoint that is not there (yet) answers 404 and is reported as missing.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Max, Min
from django.test import Client
from django.utils import timezone

from bench import floors
from bench.wsgi_client import Answer, WsgiClient
from salesguide.models import Sale, User
from salesguide.queries.guides import live_stages
from salesguide.queries.paging import encode_cursor
from salesguide.services import accounts


@dataclass(frozen=True)
class Target:
    """What the issue asks of a scenario; every bound given must hold."""

    text: str
    p95_ms: float | None = None
    floor_factor: float | None = None  # p95 ≤ factor × the floor's p95
    noop_factor: float | None = None  # p50 ≤ factor × the do-nothing request's p50
    statements_beyond_noop: int | None = None


@dataclass
class Scenario:
    name: str
    what: str
    call: Callable[[int], Answer]
    floor: Callable[[int], floors.Statements] | None = None
    target: Target | None = None
    # How many distinct items (sales to move) the scenario has; None: any number of requests.
    capacity: int | None = None


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


class StatementCounter:
    """Counts the statements run through Django's connection, without transaction control: savepoints, and
    SQLite's ``BEGIN IMMEDIATE`` (PostgreSQL's BEGIN and every COMMIT go to the raw connection, uncounted)."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if "SAVEPOINT" not in sql and not sql.startswith("BEGIN"):
            self.statements.append(sql)
        return execute(sql, params, many, context)


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def measure(
    scenario: Scenario,
    *,
    requests: int,
    warmup: int,
    floor_runs: int | None = None,
    paired: Scenario | None = None,
) -> dict[str, Any]:
    """Warm up, then time ``requests`` requests; count one more; time the floor as many times. With ``paired``
    (the do-nothing request), each request alternates with one of it, so that both see the same machine (other
    processes come and go) and their p50s compare."""
    first = scenario.call(0)
    if first.status_code == 404:
        return {"missing": True, "detail": first.content[:200].decode(errors="replace")}
    if first.status_code != 200:
        return {"error": first.status_code, "detail": first.content[:300].decode(errors="replace")}
    for index in range(1, warmup):
        scenario.call(index)
    times: list[float] = []
    cpu: list[float] = []
    paired_times: list[float] = []
    paired_cpu: list[float] = []
    failures: dict[int, int] = {}
    for index in range(warmup, warmup + requests):
        if paired is not None:
            started, cpu_started = time.perf_counter(), time.process_time()
            paired.call(index)
            paired_times.append(time.perf_counter() - started)
            paired_cpu.append(time.process_time() - cpu_started)
        # Wall time is what a user waits; the process's CPU time is what this request costs whatever else the
        # machine runs (a shared machine preempts long requests more often than short ones).
        started, cpu_started = time.perf_counter(), time.process_time()
        answer = scenario.call(index)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
        if answer.status_code != 200:
            failures[answer.status_code] = failures.get(answer.status_code, 0) + 1
    counter = StatementCounter()
    with connection.execute_wrapper(counter):
        counted = scenario.call(warmup + requests)
    result: dict[str, Any] = {
        "p50_ms": _ms(percentile(times, 0.5)),
        "p95_ms": _ms(percentile(times, 0.95)),
        "cpu_p50_ms": _ms(percentile(cpu, 0.5)),
        "statements": len(counter.statements) if counted.status_code == 200 else None,
        "requests": requests,
    }
    if paired_times:
        result["noop_p50_ms"] = _ms(percentile(paired_times, 0.5))
        result["noop_cpu_p50_ms"] = _ms(percentile(paired_cpu, 0.5))
    if failures:
        result["failures"] = failures
    if scenario.floor is not None:
        floor_times: list[float] = []
        for index in range(3):
            floors.run(scenario.floor(index))
        for index in range(warmup, warmup + (floor_runs or requests)):
            statements = scenario.floor(index)
            started = time.perf_counter()
            floors.run(statements)
            floor_times.append(time.perf_counter() - started)
        result["floor_p50_ms"] = _ms(percentile(floor_times, 0.5))
        result["floor_p95_ms"] = _ms(percentile(floor_times, 0.95))
    return result


def judge(results: dict[str, dict[str, Any]], scenarios: list[Scenario]) -> None:
    """Add ``target`` and ``met`` to each measured scenario that has a target."""
    noop = results.get("api_noop", {})
    for scenario in scenarios:
        result, target = results.get(scenario.name), scenario.target
        if result is None or target is None or "p95_ms" not in result:
            continue
        checks: list[bool] = []
        if target.p95_ms is not None:
            checks.append(result["p95_ms"] <= target.p95_ms)
        if target.floor_factor is not None and "floor_p95_ms" in result:
            checks.append(result["p95_ms"] <= target.floor_factor * result["floor_p95_ms"])
        if target.noop_factor is not None and "p50_ms" in noop:
            # The do-nothing request timed alternately with this one, else in its own run.
            result.setdefault("noop_p50_ms", noop["p50_ms"])
            checks.append(result["p50_ms"] <= target.noop_factor * result["noop_p50_ms"])
        if target.statements_beyond_noop is not None and result.get("statements") is not None:
            beyond = result["statements"] - (noop.get("statements") or 0)
            result["statements_beyond_noop"] = beyond
            checks.append(beyond <= target.statements_beyond_noop)
        result["target"] = target.text
        result["met"] = bool(checks) and all(checks)


# --- the scenarios over a generated world ---------------------------------------------------------------------


class World:
    """What the scenarios ask for: clients logged in as a manager, sales to open and to move, the busiest sale
    type and its busiest stage, a cursor far down the sale list."""

    def __init__(self, seed: int, moves_needed: int) -> None:
        rng = random.Random(seed)
        manager = User.objects.filter(role="manager", is_active=True).order_by("id").first()
        assert manager is not None, "bench: the generated world has no manager"
        _, token = accounts.create_token(manager, "bench")
        self.api = WsgiClient(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE="en")
        browser = Client()
        browser.force_login(manager)
        session = browser.cookies[settings.SESSION_COOKIE_NAME].value
        self.web = WsgiClient(HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}={session}")
        bounds = Sale.objects.aggregate(low=Min("id"), high=Max("id"))
        low, high = bounds["low"], bounds["high"]
        wanted = rng.sample(range(low, high + 1), min(2000, high - low + 1))
        self.sale_ids = list(Sale.objects.filter(pk__in=wanted).values_list("id", flat=True))
        rng.shuffle(self.sale_ids)
        self.deep_after = low + 100
        self.deep_cursor = encode_cursor([self.deep_after])
        self.moves = self._moves(rng, low, high, moves_needed)
        busiest = (
            Sale.objects.filter(status="open")
            .values("sale_type_id", "stage_id")
            .annotate(n=Count("id"))
            .order_by("-n", "sale_type_id")
            .first()
        )
        assert busiest is not None, "bench: the generated world has no open sale"
        self.sale_type_id, self.stage_id = busiest["sale_type_id"], busiest["stage_id"]
        self.stage_ids = [stage.stage_id for stage in live_stages(self.sale_type_id)]

    @staticmethod
    def _moves(rng: random.Random, low: int, high: int, needed: int) -> list[tuple[int, int, int]]:
        """Open sales not in their last stage: (id, version, the next stage), each to be moved once."""
        following: dict[int, dict[int, int]] = {}
        moves: list[tuple[int, int, int]] = []
        while len(moves) < needed:
            ids = rng.sample(range(low, high + 1), min(high - low + 1, needed * 4))
            rows = Sale.objects.filter(pk__in=ids, status="open").values_list(
                "id", "version", "sale_type_id", "stage_id"
            )
            for sale_id, version, sale_type_id, stage_id in rows:
                if sale_type_id not in following:
                    order = [s.stage_id for s in live_stages(sale_type_id)]
                    following[sale_type_id] = dict(zip(order, order[1:], strict=False))
                after = following[sale_type_id].get(stage_id)
                if after is not None and all(m[0] != sale_id for m in moves):
                    moves.append((sale_id, version, after))
            if high - low + 1 <= needed * 4:
                break
        return moves[:needed]

    def sale(self, index: int) -> int:
        return self.sale_ids[index % len(self.sale_ids)]


def forecast_period(today: dt.date) -> tuple[dt.date, dt.date]:
    try:
        from salesguide.queries.reports.forecast import default_period
    except ImportError:
        first = (today.replace(day=1) - dt.timedelta(days=80)).replace(day=1)
        return first, today + dt.timedelta(days=366)
    return default_period(today)


def scenarios(world: World) -> list[Scenario]:
    api, web = world.api, world.web
    htmx = {"HTTP_HX_REQUEST": "true"}
    list_target = Target("p95 ≤ 30 ms (sales list at any depth)", p95_ms=30)
    card_target = Target("p95 ≤ 25 ms (sale card with guide tab)", p95_ms=25)
    report_target = Target("p95 ≤ 2× its raw SQL floor and ≤ 500 ms", p95_ms=500, floor_factor=2)
    board_query = {"sale_type": world.sale_type_id}
    period = forecast_period(timezone.localdate())
    by_type = {"sale_type": world.sale_type_id}

    def report(name: str, params: dict[str, Any]) -> Callable[[int], Answer]:
        return lambda i: api.get(f"/api/v1/reports/{name}", params)

    def of_report(name: str) -> Callable[[int], floors.Statements] | None:
        statements = floors.of_report(name, world.sale_type_id)
        return None if statements is None else (lambda i: statements)

    def move(i: int) -> Answer:
        sale_id, version, stage_id = world.moves[i]
        return api.post_json(f"/api/v1/sales/{sale_id}/stage", {"stage_id": stage_id, "version": version})

    return [
        Scenario("api_noop", "GET /api/v1/users/me: an authenticated API request that does nothing else", api_me(api)),
        Scenario(
            "sales_list_first_api",
            "GET /api/v1/sales?limit=50: the first page of the sale list",
            lambda i: api.get("/api/v1/sales", {"limit": 50}),
            lambda i: floors.sales_list(None),
            list_target,
        ),
        Scenario(
            "sales_list_deep_api",
            "GET /api/v1/sales?limit=50&after=…: a page 100 sales from the end of the list",
            lambda i: api.get("/api/v1/sales", {"limit": 50, "after": world.deep_cursor}),
            lambda i: floors.sales_list(world.deep_after),
            list_target,
        ),
        Scenario(
            "sales_list_first_web",
            "GET /sales/: the sale list page",
            lambda i: web.get("/sales/"),
            lambda i: floors.sales_list(None),
            list_target,
        ),
        Scenario(
            "sales_list_deep_web",
            "GET /sales/?after=…: the sale list page 100 sales from the end",
            lambda i: web.get("/sales/", {"after": world.deep_cursor}),
            lambda i: floors.sales_list(world.deep_after),
            list_target,
        ),
        Scenario(
            "stale_list",
            "GET /api/v1/sales?stale=true&limit=50: the first page of the stale sales (stored aging)",
            lambda i: api.get("/api/v1/sales", {"stale": "true", "limit": 50}),
            lambda i: floors.stale_list(timezone.now()),
            Target("p95 ≤ 50 ms (stale sales, first page)", p95_ms=50),
        ),
        Scenario(
            "stale_list_web",
            "GET /sales/?stale=1: the sale list page, only stale sales",
            lambda i: web.get("/sales/", {"stale": "1"}),
            lambda i: floors.stale_list(timezone.now()),
            Target("p95 ≤ 50 ms (stale sales, first page)", p95_ms=50),
        ),
        Scenario(
            "sale_card_web",
            "GET /sales/{id}/: the sale card with its guide tab, a different sale each time",
            lambda i: web.get(f"/sales/{world.sale(i)}/"),
            target=card_target,
        ),
        Scenario(
            "guide_tab_web",
            "GET /sales/{id}/guide/ (htmx): the guide tab alone, a different sale each time",
            lambda i: web.get(f"/sales/{world.sale(i)}/guide/", **htmx),
            target=card_target,
        ),
        Scenario(
            "sale_detail_api",
            "GET /api/v1/sales/{id}: one sale, a different one each time",
            lambda i: api.get(f"/api/v1/sales/{world.sale(i)}"),
            lambda i: floors.sale_detail(world.sale(i)),
            Target("p50 ≤ 2× the do-nothing request's p50", noop_factor=2),
        ),
        Scenario(
            "stage_move_api",
            "POST /api/v1/sales/{id}/stage with its version: a different open sale each time, to its next stage",
            move,
            target=Target(
                "p50 ≤ 2× the do-nothing request's p50; ≤ 6 statements besides authentication",
                noop_factor=2,
                statements_beyond_noop=6,
            ),
            capacity=len(world.moves),
        ),
        Scenario(
            "board_api",
            "GET /api/v1/board?sale_type=: every column's totals and first page (the busiest sale type)",
            lambda i: api.get("/api/v1/board", board_query),
            lambda i: floors.board(world.sale_type_id, world.stage_ids),
            Target("p95 ≤ 50 ms (column totals) and not growing with the number of sales", p95_ms=50),
        ),
        Scenario(
            "board_column_api",
            "GET /api/v1/board/columns/{stage}?sale_type=: one column's first page (the busiest stage)",
            lambda i: api.get(f"/api/v1/board/columns/{world.stage_id}", board_query),
            lambda i: floors.board_column(world.sale_type_id, world.stage_id),
            Target("p95 ≤ 50 ms (board column first page)", p95_ms=50),
        ),
        Scenario(
            "board_web",
            "GET /board/?sale_type=: the board page",
            lambda i: web.get("/board/", board_query),
            lambda i: floors.board(world.sale_type_id, world.stage_ids),
        ),
        Scenario(
            "report_pipeline",
            "GET /api/v1/reports/pipeline: the weighted pipeline of everyone (floor: the plain GROUP BY)",
            report("pipeline", {}),
            lambda i: floors.pipeline_aggregate(),
            Target("p95 ≤ 50 ms and not growing with the number of sales", p95_ms=50),
        ),
        *search_scenarios(world),
        Scenario(
            "report_forecast",
            "GET /api/v1/reports/forecast: open sales by expected month with sold beside them",
            report("forecast", {}),
            lambda i: floors.forecast(*period),
            report_target,
        ),
        Scenario(
            "report_funnel",
            "GET /api/v1/reports/funnel?sale_type=: funnel, lost at stage and time in stage (median, p90)",
            report("funnel", by_type),
            of_report("funnel"),
            report_target,
        ),
        Scenario(
            "report_calibration",
            "GET /api/v1/reports/calibration?sale_type=: configured versus observed probability",
            report("calibration", by_type),
            of_report("calibration"),
            report_target,
        ),
        Scenario(
            "report_adherence",
            "GET /api/v1/reports/adherence?sale_type=: guide adherence per stage and owner",
            report("adherence", by_type),
            of_report("adherence"),
            report_target,
        ),
    ]


def search_scenarios(world: World) -> list[Scenario]:
    """Word search (issue 11, decision 0009) through the API: each request takes the next of three kinds of query
    (a rare word, a common word, two words), so the p95 covers the worst of them. The kinds go round in fives
    (rare, common, two words, rare, two words): the request whose statements are counted (the 25th at the small
    size, the 110th at the full one) is then of the same kind at both sizes."""
    from bench.catalog import CITIES, WORDS
    from bench.contacts import LAST_NAMES
    from bench.history import TITLE_WORDS

    api = world.api
    kinds = (0, 1, 2, 0, 2)
    target = Target("p95 ≤ 50 ms (word search, rare, common and two words)", p95_ms=50)

    def sale_query(i: int) -> str:
        rare = str(10_000 + (i * 7919) % 89_000)  # a number in few titles: "Sale 12345 …"
        return (rare, "sale", f"{TITLE_WORDS[i % len(TITLE_WORDS)]} {WORDS[i % len(WORDS)]}")[kinds[i % len(kinds)]]

    def company_query(i: int) -> str:
        rare = str(1000 + (i * 31) % 9000)  # the number in a few names: "Maple Cedar 1234"
        return (rare, CITIES[i % len(CITIES)].lower(), f"{WORDS[i % len(WORDS)]} {WORDS[(i * 7) % len(WORDS)]}")[
            kinds[i % len(kinds)]
        ]

    def contact_query(i: int) -> str:
        rare = f".{100 + (i * 37) % 20_000}@"  # in one e-mail address: "visser.1234@maple.example"
        last = LAST_NAMES[i % len(LAST_NAMES)].split()[-1].lower()
        return (rare, last, f"anna {last}")[kinds[i % len(kinds)]]

    return [
        Scenario(
            "search_sales_api",
            "GET /api/v1/sales?q=…&limit=50: a rare word, a common word (in every title), two words in turn",
            lambda i: api.get("/api/v1/sales", {"q": sale_query(i), "limit": 50}),
            lambda i: floors.search_sales(sale_query(i)),
            target,
        ),
        Scenario(
            "search_companies_api",
            "GET /api/v1/companies?q=…&limit=50: a number in a few names, a city, two words in turn",
            lambda i: api.get("/api/v1/companies", {"q": company_query(i), "limit": 50}),
            lambda i: floors.search_companies(company_query(i)),
            target,
        ),
        Scenario(
            "search_contacts_api",
            "GET /api/v1/contacts?q=…&limit=50: a piece of one e-mail address, a last name, two words in turn",
            lambda i: api.get("/api/v1/contacts", {"q": contact_query(i), "limit": 50}),
            lambda i: floors.search_contacts(contact_query(i)),
            target,
        ),
    ]


def api_me(api: WsgiClient) -> Callable[[int], Answer]:
    return lambda i: api.get("/api/v1/users/me")
