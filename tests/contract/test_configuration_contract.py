"""Schemathesis over the configuration API: generated requests never cause a server error, and every answer
has a status code and a body that the OpenAPI document declares.

Bounded and deterministic: a fixed number of examples per operation, derandomized, so the run takes the same
time and finds the same things on every machine (about a minute on two cores).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, assume, settings
from schemathesis import DataGenerationMethod, GenerationConfig
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from salesguide.services import (
    accounts,
    activities,
    catalog,
    customers,
    documents,
    guides,
    sale_types,
    sales,
    templates,
)

# Ninja writes OpenAPI 3.1 (nullable fields as `anyOf [..., {"type": "null"}]`).
schemathesis.experimental.OPEN_API_3_1.enable()

MAX_EXAMPLES = 25
# The ids of the seeded rows by kind ("sale", "stage", ...), filled in by ``seeded_catalogue``.
SEEDED: dict[str, list[int]] = {}
CHECKS = (not_a_server_error, status_code_conformance, response_schema_conformance, content_type_conformance)


@pytest.fixture(autouse=True)
def _compatible_hypothesis() -> None:
    """hypothesis-jsonschema 0.23.1 (which schemathesis 3.x uses) calls ``many.more()``, which Hypothesis
    removed in 6.170.10; with a newer Hypothesis every generated object fails inside the generator, so say
    what to do instead of showing seventy tracebacks."""
    from hypothesis.internal.conjecture import utils

    if not hasattr(utils.many, "more"):
        pytest.fail(
            f"Hypothesis {hypothesis.__version__} is too new for hypothesis-jsonschema: "
            "pin hypothesis<6.170.10 in pyproject.toml and reinstall.",
            pytrace=False,
        )


@pytest.fixture
def seeded_catalogue(admin_user: Any) -> dict[str, int]:
    """A small, realistic configuration for the generated requests to meet: a guide with suggestions,
    a Word template, the small lists, a deleted stage."""
    stages = [
        catalog.create_stage(admin_user, name=name, probability=p, description=f"About {name}.")
        for name, p in [("Lead", 10), ("Offer", 50), ("Contract", 90)]
    ]
    catalog.delete_stage(admin_user, catalog.create_stage(admin_user, name="Gone", probability=5).pk)
    call = catalog.create_activity_type(admin_user, name="Phone call (out)", kind="call")
    template = templates.create_text_template(admin_user, name="Quote mail", kind="email", body="<p>Quote</p>")
    sale_type = sale_types.create_sale_type(
        admin_user, name="New customer", stage_ids=[s.pk for s in stages], has_guide=True
    )
    intro = guides.add_suggested_followup(
        admin_user, sale_type.pk, stages[0].pk, name="Intro call", activity_type_id=call.pk
    )
    quote = guides.add_suggested_document(admin_user, sale_type.pk, stages[1].pk, name="Quote", template_id=template.pk)
    lost_reason = catalog.create_reason(admin_user, name="Price", kind="lost")
    rival = catalog.create_named_item(admin_user, catalog.Competitor, name="Rival")
    catalog.create_named_item(admin_user, catalog.Category, name="Services")
    # Sales with a guide follow-up, a document and history, so that the sales endpoints meet real rows.
    sold_reason = catalog.create_reason(admin_user, name="Best offer", kind="sold")
    stalled_reason = catalog.create_reason(admin_user, name="Next year", kind="stalled")
    company = customers.create_company(admin_user, name="Acme")
    contact = customers.create_contact(admin_user, last_name="Jansen", company_id=company.pk)
    sale = sales.create_sale(
        admin_user, title="Ten licences", sale_type_id=sale_type.pk, company_id=company.pk, contact_id=contact.pk
    )
    activity = activities.create_followup_from_suggestion(admin_user, sale.pk, intro.pk)
    document = documents.create_document_from_suggestion(admin_user, sale.pk, quote.pk)
    sales.move_sale_to_stage(admin_user, sale.pk, stages[1].pk)
    lost = sales.create_sale(admin_user, title="Gone", sale_type_id=sale_type.pk)
    sales.close_sale_as_lost(admin_user, lost.pk)
    SEEDED.clear()
    SEEDED.update(
        sale=[sale.pk, lost.pk],
        activity=[activity.pk],
        document=[document.pk],
        suggestion=[intro.pk, quote.pk],
        stage=[s.pk for s in stages],
        reason=[lost_reason.pk, sold_reason.pk, stalled_reason.pk],
        competitor=[rival.pk],
        company=[company.pk],
        contact=[contact.pk],
        user=[admin_user.pk],
        sale_type=[sale_type.pk],
        activity_type=[call.pk],
        version=[1, 2, 3],
    )
    return {"sale_type": sale_type.pk, "stage": stages[0].pk}


@pytest.fixture
def admin_token(admin_user: Any) -> str:
    return accounts.create_token(admin_user, "contract")[1]


@pytest.fixture
def wsgi_app() -> Iterator[Any]:
    """The real WSGI application. Django closes the database connection at the end of every request; the
    test's transaction lives on that connection, so (as Django's own test client does) it must stay open."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(db: None, settings: Any, seeded_catalogue: dict[str, int], wsgi_app: Any) -> Any:
    settings.SALESGUIDE_API_RATE = None  # thousands of requests in a minute are the point here
    return schemathesis.from_wsgi(
        "/api/v1/openapi.json",
        wsgi_app,
        data_generation_methods=[DataGenerationMethod.positive, DataGenerationMethod.negative],
        # The requests authenticate with the admin's token; generated session cookies would only carry
        # bytes (NUL, control characters) that the production server (gunicorn) refuses before Django.
        generation_config=GenerationConfig(with_security_parameters=False),
    )


schema = schemathesis.from_pytest_fixture("api_schema")

# Ids drawn from the whole range almost never name a seeded row, so the sales endpoints would only ever answer
# 404. Next to the generated values, also try them with every id folded onto the seeded rows of its kind (their
# ids differ between SQLite and PostgreSQL, whose sequences outlive a rolled-back test), and with times inside
# the years the API accepts.
SALES_PATHS = r"^/api/v1/(sales|activities|documents)"
ITEM_OF_PATH = {"sales": "sale", "activities": "activity", "documents": "document"}
TIME_NAMES = {"start", "date", "reopen_date", "expected_date", "from", "to"}


def _seeded(value: Any, path: str, name: str = "") -> Any:
    if isinstance(value, dict):
        return {key: _seeded(item, path, key) for key, item in value.items()}
    if isinstance(value, int) and not isinstance(value, bool):
        kind = ITEM_OF_PATH[path.split("/")[3]] if name == "id" else name.removesuffix("_id")
        kind = "user" if kind == "owner" else kind
        pool = SEEDED.get(kind)
        return pool[value % len(pool)] if pool else value
    if isinstance(value, str) and name in TIME_NAMES and value[:4].isdigit():
        return "2031" + value[4:]
    return value


def _also_seeded(context: Any, strategy: Any) -> Any:
    # Checked here: the hooks' own path filter (``apply_to``) does not reach these hooks in a lazy schema.
    if not re.match(SALES_PATHS, context.operation.path):
        return strategy
    return strategy | strategy.map(lambda value: _seeded(value, context.operation.path))


@schema.hook("before_generate_path_parameters")
def _path_also_seeded(context: Any, strategy: Any) -> Any:
    return _also_seeded(context, strategy)


@schema.hook("before_generate_query")
def _query_also_seeded(context: Any, strategy: Any) -> Any:
    return _also_seeded(context, strategy)


@schema.hook("before_generate_body")
def _body_also_seeded(context: Any, strategy: Any) -> Any:
    return _also_seeded(context, strategy)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_configuration_api_answers_as_its_openapi_document_says(case: Any, admin_token: str) -> None:
    # Schemathesis cannot encode a negative example whose multipart body is not an object (it crashes
    # while serializing); no client can send such a body as multipart either.
    assume(case.media_type != "multipart/form-data" or isinstance(case.body, dict))

    # A delete would take the seeded rows away from every operation tested after it, so it is undone afterwards.
    with transaction.atomic():
        # When an administrator's script sends a generated request
        response = case.call_wsgi(headers={"Authorization": f"Bearer {admin_token}", "Accept-Language": "en"})
        transaction.set_rollback(case.method.upper() == "DELETE")

    # Then the answer is no server error and is declared in the document, code and body
    case.validate_response(response, checks=CHECKS)
