"""The answers to the guide tab's question "Create the next suggested follow-up?" (SPEC 3.5).

**Create** opens the follow-up form, prefilled from the suggestion, inside the question (a page of its own
without JavaScript), so the user can change the date, the owner, the text or the type before saving; saving is
the answer "create" with those changes, which the service makes once however often it is posted. **Cancel**
creates nothing; **always create, don't ask again** creates it as suggested and stores the preference.

The other questions need no view of their own: "Move" is the guide tab's move, "Close as sold" the sold form,
and "Not now" the tab again with ``later`` (the stage it was said in) in its address.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from salesguide.services import activities
from salesguide.web.sales.guide_forms import FollowupForm, initial_of_draft
from salesguide.web.sales.guide_views import (
    NAMESPACE,
    OpenForm,
    actor_of,
    after_write,
    created_message,
    form_view,
    guide_action,
    load_sale,
    looking_of,
)

NEXT_FOLLOWUP_ANSWERS = ("create", "always", "cancel")


@require_POST
@guide_action
def next_followup(request: HttpRequest, sale_id: int, suggestion_id: int) -> HttpResponse:
    """Cancel, or always create without asking (stored as the user's preference, changeable on the profile
    page). "create" without a form (a client that posts the answer alone) creates it as suggested."""
    answer = request.POST.get("answer")
    if answer not in NEXT_FOLLOWUP_ANSWERS or answer == "cancel":
        return after_write(request, sale_id)
    answered = activities.answer_next_followup_offer(
        actor_of(request), sale_id, suggestion_id, always=answer == "always"
    )
    if answered.created:
        messages.success(request, created_message(answered.activity))
    if answer == "always":
        messages.info(
            request,
            gettext(
                "From now on the next suggested follow-up is created without asking. You can change this on "
                "your profile page."
            ),
        )
    return after_write(request, sale_id)


@guide_action
def next_followup_form(request: HttpRequest, sale_id: int, suggestion_id: int) -> HttpResponse:
    """Create: the follow-up form prefilled from the suggestion and the sale, shown in the question; saving it
    answers "create" with what the user changed."""
    sale = load_sale(sale_id)
    actor = actor_of(request)
    activities.require_plan_from_guide(actor, sale)  # a form that could only end in a refusal is refused at once
    draft = activities.draft_followup(actor, sale, suggestion_id)
    url = reverse(f"{NAMESPACE}:next_followup_form", kwargs={"sale_id": sale_id, "suggestion_id": suggestion_id})
    # The question stays named in the address, so the tab shows it (holding the form) until it is answered.
    action = f"{url}?{urlencode({**looking_of(request).params, 'suggest': suggestion_id})}"

    def save(form: FollowupForm) -> str:
        answered = activities.answer_next_followup_offer(actor, sale_id, suggestion_id, **form.service_fields())
        return created_message(answered.activity)

    return form_view(
        request,
        sale,
        OpenForm("next_followup", suggestion_id, None, action, draft),
        gettext("Create follow-up “%(name)s”") % {"name": draft.title},
        lambda data: FollowupForm(
            data, initial=None if data else initial_of_draft(draft), current_type_id=draft.activity_type_id
        ),
        save,
    )
