"""Deleting and restoring a stage. Both first show what they do to the sale types that use the stage (decision
0006): the delete, where open sales move and which guides are switched off; the restore, which sale types the
stage goes back into, with their suggestions. The plans and the changes come from ``services.catalog``."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from salesguide.domain.errors import DomainError
from salesguide.models import Stage, User
from salesguide.queries.guides import StageLink
from salesguide.services import catalog
from salesguide.web.accounts.access import admin_required
from salesguide.web.catalog.areas import STAGES
from salesguide.web.catalog.forms import StageRestoreForm
from salesguide.web.domain_errors import translate


def _actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _list_url() -> str:
    return reverse(STAGES.url_name("list"))


@admin_required
def stage_delete(request: HttpRequest, pk: int) -> HttpResponse:
    stage = get_object_or_404(Stage, pk=pk)
    if request.method != "POST" and stage.deleted:
        messages.info(request, _("“%(name)s” is deleted already.") % {"name": stage.name})
        return redirect(_list_url())
    if request.method != "POST":
        return render(
            request,
            "catalog/confirm_delete_stage.html",
            {
                "plan": catalog.stage_deletion_plan(_actor(request), stage.pk),
                "area_title": STAGES.title,
                "list_url": _list_url(),
                "action_url": reverse(STAGES.url_name("delete"), args=[stage.pk]),
                "cancel_url": _list_url(),
            },
        )
    try:
        deletion = catalog.delete_stage(_actor(request), stage.pk)
    except DomainError as error:
        messages.error(request, translate(error.message))
    else:
        messages.success(
            request,
            _("“%(name)s” is deleted. Tick “Show deleted” to find it and restore it.") % {"name": deletion.stage.name},
        )
        for notice in deletion.notices:
            messages.warning(request, translate(notice))
    return redirect(_list_url())


def _names(links: list[StageLink]) -> str:
    return ", ".join(link.sale_type_name for link in links)


@admin_required
def stage_restore(request: HttpRequest, pk: int) -> HttpResponse:
    stage = get_object_or_404(Stage, pk=pk)
    links = catalog.stage_restore_plan(_actor(request), stage.pk)
    form = StageRestoreForm(
        request.POST if request.method == "POST" else None, sale_type_ids=[link.sale_type_id for link in links]
    )
    if request.method != "POST":
        if not stage.deleted:
            messages.info(request, _("“%(name)s” is not deleted.") % {"name": stage.name})
            return redirect(_list_url())
        return _restore_page(request, stage, links, form, {link.sale_type_id for link in links})
    if not form.is_valid():
        ticked = {int(value) for value in request.POST.getlist("sale_types") if value.isdigit()}
        return _restore_page(request, stage, links, form, ticked, status=422)
    try:
        restored = catalog.restore_stage(_actor(request), stage.pk, sale_type_ids=form.chosen_sale_type_ids())
    except DomainError as error:
        messages.error(request, translate(error.message))
    else:
        messages.success(request, _("“%(name)s” is restored.") % {"name": restored.stage.name})
        if restored.left_out:
            parts = []
            if restored.back_in:
                parts.append(_("It is back in: %(names)s.") % {"names": _names(restored.back_in)})
            parts.append(
                _("It is left out of: %(names)s; its suggestions are kept for when you add it again.")
                % {"names": _names(restored.left_out)}
            )
            messages.info(request, " ".join(parts))
    return _back(request)


def _restore_page(
    request: HttpRequest,
    stage: Stage,
    links: list[StageLink],
    form: StageRestoreForm,
    ticked: set[int],
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "catalog/restore_stage.html",
        {
            "stage": stage,
            "links": links,
            "form": form,
            "ticked": ticked,
            "area_title": STAGES.title,
            "list_url": _list_url(),
            "action_url": reverse(STAGES.url_name("restore"), args=[stage.pk]),
        },
        status=status,
    )


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(_list_url())
