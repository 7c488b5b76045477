"""Our company: the installation's own name, address, numbers and logo, which letters, quotations, contracts
and the printed sale show as the seller (Settings › Our company).

Everyone logged in reads them (a salesperson's documents need them); only administrators change them. A change
is all or nothing: any problem with a field or with the logo refuses the whole change and keeps what was there.
"""

from __future__ import annotations

import io
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, UnidentifiedImageError

from salesguide.domain import our_company as rules
from salesguide.domain.catalog import raise_if_problems
from salesguide.domain.errors import FieldProblem, Message, NotFound, gettext_noop
from salesguide.models import OUR_COMPANY_ID, OurCompany, User
from salesguide.queries.our_company import Logo, logo_of, our_company
from salesguide.services.permissions import require_admin, require_user

_UNSET: Any = object()
TEXT_FIELDS = tuple(rules.OUR_COMPANY_RULES)


def get_our_company(actor: User) -> OurCompany:
    """The settings as they are (empty, and not saved, until an administrator fills them in)."""
    require_user(actor)
    return our_company()


def get_our_company_logo(actor: User) -> Logo:
    require_user(actor)
    logo = logo_of(our_company())
    if logo is None:
        raise NotFound(Message(gettext_noop("Our company has no logo.")))
    return logo


def _image_facts(content: bytes) -> tuple[str | None, int, int]:
    """What an upload really is, read from its content: its format and size in pixels, or (None, 0, 0)."""
    try:
        with Image.open(io.BytesIO(content)) as image:
            image_format, (width, height) = image.format, image.size
            image.verify()  # a truncated or damaged file is refused here, not when a document is made
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None, 0, 0
    return image_format, width, height


def logo_problems(content: bytes, loc: tuple[str | int, ...] = ("logo",)) -> list[FieldProblem]:
    image_format, width, height = _image_facts(content) if content else (None, 0, 0)
    message = rules.logo_problem(len(content), image_format, width, height)
    return [FieldProblem(loc, message)] if message else []


def _content_type(content: bytes) -> str:
    image_format = _image_facts(content)[0] or ""
    return rules.LOGO_CONTENT_TYPES[image_format]


@transaction.atomic
def update_our_company(
    actor: User,
    *,
    name: Any = _UNSET,
    address: Any = _UNSET,
    postal_code: Any = _UNSET,
    city: Any = _UNSET,
    country: Any = _UNSET,
    phone: Any = _UNSET,
    email: Any = _UNSET,
    website: Any = _UNSET,
    registration_number: Any = _UNSET,
    vat_number: Any = _UNSET,
    iban: Any = _UNSET,
    logo: bytes | None = None,
    remove_logo: bool = False,
) -> OurCompany:
    """Change the fields that are given (the others keep their value), and put in a new ``logo`` (PNG or
    JPEG bytes) or take it out with ``remove_logo``. A name, when given, may not be empty."""
    require_admin(actor)
    company = OurCompany.objects.select_for_update().filter(pk=OUR_COMPANY_ID).first() or OurCompany(pk=OUR_COMPANY_ID)
    changes = {
        field: value
        for field, value in {
            "name": name,
            "address": address,
            "postal_code": postal_code,
            "city": city,
            "country": country,
            "phone": phone,
            "email": email,
            "website": website,
            "registration_number": registration_number,
            "vat_number": vat_number,
            "iban": iban,
        }.items()
        if value is not _UNSET
    }
    problems = rules.our_company_problems(changes)
    if logo is not None:
        problems += logo_problems(logo)
    raise_if_problems(problems)
    for field, value in rules.stored_fields(changes).items():
        setattr(company, field, value)
    old_logo = company.logo.name if company.logo else ""
    if logo is not None:
        content_type = _content_type(logo)
        company.logo.save(f"logo.{rules.LOGO_EXTENSIONS[content_type]}", ContentFile(logo), save=False)
        company.logo_content_type = content_type
    elif remove_logo:
        company.logo = ""
        company.logo_content_type = ""
    company.save()
    new_logo = company.logo.name if company.logo else ""
    if old_logo and old_logo != new_logo:
        storage = company.logo.storage
        # Removed once the change is committed: a change that fails keeps the old logo.
        transaction.on_commit(lambda: storage.delete(old_logo))
    return company


def set_our_company_logo(actor: User, content: bytes) -> OurCompany:
    return update_our_company(actor, logo=content)


def remove_our_company_logo(actor: User) -> OurCompany:
    return update_our_company(actor, remove_logo=True)


def set_up_demo_company(fields: dict[str, str], logo: bytes | None = None) -> bool:
    """Fill in our company for the demo (``salesguide demo``), unless an administrator has already named it.
    Returns whether it did. The demo's values are checked by the same rules as anyone's."""
    company = our_company()
    if company.name:
        return False
    raise_if_problems(rules.our_company_problems(fields) + (logo_problems(logo) if logo else []))
    for field, value in rules.stored_fields(fields).items():
        setattr(company, field, value)
    if logo:
        content_type = _content_type(logo)
        company.logo.save(f"logo.{rules.LOGO_EXTENSIONS[content_type]}", ContentFile(logo), save=False)
        company.logo_content_type = content_type
    company.save()
    return True
