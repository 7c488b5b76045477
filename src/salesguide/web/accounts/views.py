"""Login, logout, the language switch, the home pages (with the whole list of sales that need attention) and the
profile page (with API tokens, the calendar feed and the time zone)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesguide.domain.errors import DomainError, ValidationFailed
from salesguide.models import User
from salesguide.queries import home as home_model
from salesguide.services import accounts as account_services
from salesguide.services import calendar as calendar_services
from salesguide.services import clock
from salesguide.web.accounts.forms import LanguageForm, LoginForm, ProfileForm, TimeZoneForm, TokenForm
from salesguide.web.domain_errors import add_to_form, translate


class SalesguideLoginView(LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


login_view = SalesguideLoginView.as_view()


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    language = getattr(request.user, "language", None)
    logout(request)
    # Logging out empties the session; keep the person's language so the login page still speaks it.
    if language:
        request.session["language"] = language
    messages.success(request, _("You are logged out."))
    return redirect("login")


@require_POST
def choose_language(request: HttpRequest) -> HttpResponse:
    form = LanguageForm(request.POST)
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    if form.is_valid():
        request.session["language"] = form.cleaned_data["language"]
    return redirect(target or "login")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The salesperson's day, or the team's view for a manager or an administrator (queries.home decides)."""
    user: User = request.user  # type: ignore[assignment]
    now = clock.now_for(user)
    page = home_model.home(user, now=now)
    template = "home/manager.html" if isinstance(page, home_model.ManagerHome) else "home/salesperson.html"
    return render(request, template, {"home": page, "today": now.date(), "next": request.path})


ATTENTION_PAGE_SIZE = 50


@login_required
def attention(request: HttpRequest) -> HttpResponse:
    """The whole list behind the home's "sales that need attention": all of them, or only the stale ones."""
    user: User = request.user  # type: ignore[assignment]
    stale_only = request.GET.get("show") == "stale"
    after = request.GET.get("after") or None
    now = clock.now_for(user)
    try:
        page = home_model.attention_page(user, now=now, stale_only=stale_only, limit=ATTENTION_PAGE_SIZE, after=after)
    except ValidationFailed:
        messages.info(request, _("That link to more sales is no longer valid; here is the start of the list."))
        page = home_model.attention_page(user, now=now, stale_only=stale_only, limit=ATTENTION_PAGE_SIZE)
    more_url = ""
    if page.next:
        params = request.GET.copy()
        params["after"] = page.next
        more_url = f"?{params.urlencode()}"
    return render(request, "home/attention.html", {"attention": page, "stale_only": stale_only, "more_url": more_url})


def _profile_page(request: HttpRequest, **context: Any) -> HttpResponse:
    user = request.user
    context.setdefault(
        "form",
        ProfileForm(
            initial={
                "first_name": user.first_name,  # type: ignore[union-attr]
                "last_name": user.last_name,  # type: ignore[union-attr]
                "email": user.email,  # type: ignore[union-attr]
                "language": user.language,  # type: ignore[union-attr]
                "confirm_suggested_followups": user.confirm_suggested_followups,  # type: ignore[union-attr]
            }
        ),
    )
    context.setdefault("token_form", TokenForm())
    context.setdefault("time_zone_form", _time_zone_form(initial={"time_zone": user.time_zone}))  # type: ignore[union-attr]
    context["calendar_url"] = calendar_services.feed_url(user, request.build_absolute_uri("/"))  # type: ignore[arg-type]
    context["tokens"] = user.api_tokens.filter(revoked_at__isnull=True)  # type: ignore[union-attr]
    return render(request, "accounts/profile.html", context)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _profile_page(request)
    form = ProfileForm(request.POST)
    if form.is_valid():
        try:
            account_services.update_profile(request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("profile")
    return _profile_page(request, form=form)


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _profile_page(request, token_form=form)
    token, key = account_services.create_token(request.user, form.cleaned_data["name"])  # type: ignore[arg-type]
    # Rendered, not redirected: the token is never stored, so this response is the only place it appears.
    return _profile_page(request, new_token=token, new_token_key=key)


@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = request.user.api_tokens.filter(pk=pk, revoked_at__isnull=True).first()  # type: ignore[union-attr]
    if request.method != "POST":
        if token is None:
            messages.error(request, _("That token does not exist or is already revoked."))
            return redirect("profile")
        return render(request, "accounts/token_revoke.html", {"token": token})
    try:
        revoked = account_services.revoke_token(request.user, pk)  # type: ignore[arg-type]
    except DomainError as error:
        messages.error(request, translate(error.message))
    else:
        label = revoked.name or revoked.prefix
        messages.success(
            request,
            _("Revoked the token “%(name)s”. Scripts using it can no longer log in.") % {"name": label},
        )
    return redirect("profile")


# --- time zone and calendar feed ----------------------------------------------------------------------------------


def _time_zone_form(*args: Any, **kwargs: Any) -> TimeZoneForm:
    return TimeZoneForm(
        *args,
        installation_zone=settings.TIME_ZONE,
        zone_names=calendar_services.time_zone_names(),
        **kwargs,
    )


def _calendar_section() -> str:
    return f"{reverse('profile')}#calendar"


@login_required
@require_POST
def time_zone(request: HttpRequest) -> HttpResponse:
    form = _time_zone_form(request.POST)
    if form.is_valid():
        try:
            calendar_services.set_time_zone(request.user, form.cleaned_data["time_zone"])  # type: ignore[arg-type]
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Your time zone is saved."))
            return redirect(_calendar_section())
    return _profile_page(request, time_zone_form=form)


@login_required
def calendar_renew(request: HttpRequest) -> HttpResponse:
    """Turn the feed on (a POST straight from the profile), or give it a new address (confirmed first, because
    every calendar subscribed to the old address stops receiving updates)."""
    user: User = request.user  # type: ignore[assignment]
    was_on = bool(user.calendar_token)
    if request.method != "POST":
        if not was_on:
            return redirect(_calendar_section())
        return render(request, "accounts/calendar_confirm.html", {"renew": True})
    calendar_services.renew_calendar_feed(user)
    if was_on:
        messages.success(
            request,
            _("Your calendar has a new address. The old address no longer works: subscribe to the new one."),
        )
    else:
        messages.success(request, _("Your calendar feed is on. Copy its address into your calendar program."))
    return redirect(_calendar_section())


@login_required
def calendar_off(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if request.method != "POST":
        if not user.calendar_token:
            return redirect(_calendar_section())
        return render(request, "accounts/calendar_confirm.html", {"renew": False})
    calendar_services.turn_off_calendar_feed(user)
    messages.success(request, _("Your calendar feed is off. Its address no longer works."))
    return redirect(_calendar_section())
