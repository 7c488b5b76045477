"""Users and roles: list, add (with a password shown once when generated), change role, language and
whether someone may log in, and set a new password."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from salesguide.domain.errors import DomainError, DuplicateName
from salesguide.models import Role, User
from salesguide.services import accounts as account_services
from salesguide.web.accounts.access import admin_required
from salesguide.web.catalog.forms import PasswordResetForm, UserCreateForm, UserEditForm
from salesguide.web.domain_errors import add_to_form, translate


@admin_required
def user_list(request: HttpRequest) -> HttpResponse:
    show_inactive = request.GET.get("inactive") == "1"
    query = (request.GET.get("q") or "").strip()
    role = request.GET.get("role") or ""
    users = User.objects.all()
    if not show_inactive:
        users = users.filter(is_active=True)
    if query:
        users = users.filter(
            Q(username__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(email__icontains=query)
        )
    if role:
        users = users.filter(role=role)
    context = {
        "users": list(users),
        "show_inactive": show_inactive,
        "query": query,
        "role": role,
        "roles": Role.choices,
        "filtered": bool(query or role),
    }
    htmx = getattr(request, "htmx", None)
    partial = bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]
    return render(request, "catalog/_user_table.html" if partial else "catalog/users.html", context)


def _password_shown_once(request: HttpRequest, user: User, password: str, heading: str) -> HttpResponse:
    # Rendered, not redirected: the password is never stored in plain text, so this page is the only place
    # it appears.
    return render(
        request,
        "catalog/user_password_shown.html",
        {"shown_user": user, "password": password, "heading": heading},
    )


@admin_required
def user_add(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        fields["password"] = fields["password"] or None
        try:
            user, password = account_services.create_user(request.user, **fields)  # type: ignore[arg-type]
        except DuplicateName as error:
            form.add_error("username", translate(error.message))
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("User “%(name)s” is added.") % {"name": user.username})
            if fields["password"] is None:
                return _password_shown_once(request, user, password, _("The new user’s password"))
            return redirect("catalog:user_list")
    return render(request, "catalog/user_form.html", {"form": form, "heading": _("Add user")})


@admin_required
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    shown_user = get_object_or_404(User, pk=pk)
    heading = _("Edit user “%(name)s”") % {"name": shown_user.username}
    initial = {"role": shown_user.role, "language": shown_user.language, "is_active": shown_user.is_active}
    form = UserEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            account_services.update_user(request.user, pk, **form.cleaned_data)  # type: ignore[arg-type]
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("User “%(name)s” is saved.") % {"name": shown_user.username})
            return redirect("catalog:user_list")
    return render(request, "catalog/user_form.html", {"form": form, "heading": heading, "shown_user": shown_user})


@admin_required
def user_password(request: HttpRequest, pk: int) -> HttpResponse:
    shown_user = get_object_or_404(User, pk=pk)
    heading = _("New password for “%(name)s”") % {"name": shown_user.username}
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        password = form.cleaned_data["password"] or account_services.generate_password()
        try:
            account_services.update_user(request.user, pk, password=password)  # type: ignore[arg-type]
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The password of “%(name)s” is changed.") % {"name": shown_user.username})
            if not form.cleaned_data["password"]:
                return _password_shown_once(request, shown_user, password, heading)
            return redirect("catalog:user_list")
    return render(
        request,
        "catalog/user_form.html",
        {"form": form, "heading": heading, "shown_user": shown_user, "is_password": True},
    )
