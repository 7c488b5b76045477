"""While a template that only the time budget can stop is being refused, the server goes on answering (issue 9,
item 22): the health check, asked again and again through a live server, answers well within 5 seconds each
time, and the template is refused with 422 soon after its budget ran out."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from typing import Any

import pytest

from salesguide.documents import budget, render
from salesguide.models import DocumentTemplate

# Loops over a string, not over range(): no cheap check stops it; 10**12 steps take far longer than the budget.
SLOW = "{% set s = 'x' * 10000 %}{% for a in s %}{% for b in s %}{% for c in s %}{% endfor %}{% endfor %}{% endfor %}"


def call(url: str, body: Any = None, token: str = "") -> tuple[int, Any, float]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json", "Accept-Language": "en", "Authorization": f"Bearer {token}"},
        method="POST" if body is not None else "GET",
    )
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - the live server's URL
            return response.status, json.loads(response.read()), time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read()), time.monotonic() - started


@pytest.mark.django_db(transaction=True)
def test_the_server_answers_the_health_check_while_a_template_that_runs_too_long_is_refused(
    live_server, admin_user, token_for
):
    # Given an administrator's script uploading a template that runs far longer than the budget
    token = token_for(admin_user)
    upload: dict[str, Any] = {}

    def send_the_template() -> None:
        upload["answer"] = call(
            f"{live_server.url}/api/v1/document-templates", {"name": "Slow", "kind": "email", "body": SLOW}, token
        )

    sender = threading.Thread(target=send_the_template)
    # The server's first request loads the API, and the first fill-in starts the forkserver: not measured here.
    assert call(f"{live_server.url}/api/v1/health")[0] == 200
    assert render.render_body("{{ 1 }}", {}, html=False) == "1"

    # When the health check is asked again and again while the template is being checked
    sender.start()
    time.sleep(0.5)
    health_answers = []
    while sender.is_alive() and len(health_answers) < 200:
        health_answers.append(call(f"{live_server.url}/api/v1/health"))
        time.sleep(0.2)
    sender.join(timeout=60)

    # Then every health check answered within 5 seconds, several while the template was being refused
    assert len(health_answers) >= 5, health_answers
    assert all(status == 200 for status, _, _ in health_answers)
    assert max(seconds for _, _, seconds in health_answers) < 5
    # And the template was refused for running too long, soon after its budget ran out, and not stored
    status, answer, seconds = upload["answer"]
    assert status == 422
    assert answer["detail"][0]["msg"] == (
        f"The template cannot be filled in: it takes longer than {budget.BUDGET.seconds:g} seconds to fill in; "
        "a loop probably runs too often."
    )
    assert seconds < budget.BUDGET.seconds + 3
    assert not DocumentTemplate.objects.exists()
