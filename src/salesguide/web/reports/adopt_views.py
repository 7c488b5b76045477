"""An administrator adopts a stage's observed probability from the calibration report (SPEC 4.5).

The row's form posts the observed share it shows; the domain rounds it to the whole probability a stage has
(``report_maths.adoptable_probability``) and ``services.catalog.update_stage`` — the same service as the stage
form and ``PATCH /api/v1/stages/{id}`` — checks that the user is an administrator and saves it like every change
of a stage. Then back to the report, with its filters.
"""

from __future__ import annotations

import math

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesguide.domain.errors import NotFound, ValidationFailed
from salesguide.domain.report_maths import adoptable_probability
from salesguide.services import catalog
from salesguide.web.domain_errors import translate
from salesguide.web.sales.access import actor, safe_next, sale_page


def _observed(value: str | None) -> float | None:
    try:
        observed = float(value or "")
    except ValueError:
        return None
    return observed if math.isfinite(observed) else None


@require_POST
@sale_page
def adopt_probability(request: HttpRequest, stage_id: int) -> HttpResponse:
    back = safe_next(request, reverse("reports:report", args=["calibration"]))
    observed = _observed(request.POST.get("observed"))
    if observed is None:
        messages.error(request, _("There is no observed share to adopt."))
        return redirect(back)
    try:
        stage = catalog.update_stage(actor(request), stage_id, probability=adoptable_probability(observed))
    except NotFound as error:
        raise Http404(translate(error.message)) from None
    except ValidationFailed as error:
        for problem in error.problems:
            messages.error(request, translate(problem.message))
        return redirect(back)
    messages.success(
        request,
        _("“%(stage)s” now has probability %(probability)s%%.")
        % {"stage": stage.name, "probability": stage.probability},
    )
    return redirect(back)
