"""The world the screen tests (layout, accessibility) look at: the starter guides of one language, and next to
them everything a person can name at its longest — 100-character stages (one with spaces, one a single
word), a 100-character sale type with a guide, a 100-character company, a 200-character sale title, a long
token name — on a sale that has activities, a document and history, so every tab has something to show.

Built through the services, as a user would, in a few seconds (the demo data takes far longer)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from salesguide.models import ActivityType, Company, Contact, Sale, SaleType, SuggestedDocument, SuggestedFollowup, User
from salesguide.services import accounts, activities, catalog, customers, documents, guides, sale_types, sales
from salesguide.services.starter import load_starter_guides

PASSWORD = "screens-password-123"

# Longest names the models take. A name with spaces wraps; a single word must break or be cut off.
SPACED_STAGE = "Uitgebreide offertebespreking met de directie en de inkoopafdeling van de klant over de voorwaarden"
WORD_STAGE = ("Contractonderhandelingsvoorbereidingsbesprekingsverslaggevingsafstemmingsoverleg" * 2)[:100]
LONG_SALE_TYPE = ("Verkoopsoorttypeaanduidingsomschrijvingsbenamingsclassificatie" * 2)[:100]
LONG_COMPANY = ("Aannemersbedrijfsonderhoudsinstallatietechniekgroothandelsvestiging" * 2)[:100]
LONG_TITLE = ("Vervanging van alle klimaatinstallaties in het hoofdkantoor en de nevenvestigingen " * 3)[:200].strip()
LONG_FOLLOWUP = ("Telefonischeafspraakbevestigingsherinneringsgesprek" * 2)[:100]
LONG_TOKEN = "Koppeling met het boekhoudpakket voor de maandelijkse facturatie en de jaarafsluiting"
PHONE = "+31 20 123 45 67"


@dataclass(frozen=True)
class ScreensWorld:
    user: User
    long_sale: Sale  # on the long sale type, in the one-word stage, with a manual probability
    guided_sale: Sale  # on a starter guide, with a follow-up, a completed activity and a document
    long_sale_type: SaleType
    starter_sale_type: SaleType
    company: Company
    contact: Contact


def _first_suggestion(model: type[SuggestedFollowup] | type[SuggestedDocument], sale: Sale) -> int:
    item = model.objects.filter(link__sale_type=sale.sale_type, link__stage=sale.stage, deleted=False).first()
    assert item is not None, f"the starter guide has no {model.__name__} in its first stage"
    return item.pk


def build_screens_world(language: str) -> ScreensWorld:
    """An administrator who sees ``language``, and the long-named things above, in that language's starter guides."""
    user = User(username="screens", role="admin", language=language, first_name="Schermen", last_name="Test")
    user.set_password(PASSWORD)
    user.save()
    load_starter_guides(language)
    starter = SaleType.objects.filter(deleted=False, has_guide=True).order_by("rank").first()
    assert starter is not None

    spaced = catalog.create_stage(user, name=SPACED_STAGE, probability=30, description=SPACED_STAGE)
    word = catalog.create_stage(user, name=WORD_STAGE, probability=60)
    starter_stages = sales.stages_of(starter.pk)
    long_type = sale_types.create_sale_type(
        user,
        name=LONG_SALE_TYPE,
        description=LONG_SALE_TYPE,
        stage_ids=[starter_stages[0].id, spaced.pk, word.pk],
        has_guide=True,
        duration=3,
        duration_unit="months",
    )
    call = ActivityType.objects.filter(deleted=False).order_by("rank").first()
    assert call is not None
    guides.add_suggested_followup(
        user, long_type.pk, word.pk, name=LONG_FOLLOWUP, activity_type_id=call.pk, days_offset=2, text=LONG_TITLE
    )

    company = customers.create_company(
        user, name=LONG_COMPANY, phone=PHONE, city="Amsterdam", email="info@example.com", website="example.com"
    )
    contact = customers.create_contact(
        user, first_name="Jan", last_name="de Vries", company_id=company.pk, phone=PHONE, email="jan@example.com"
    )

    long_sale = sales.create_sale(
        user,
        title=LONG_TITLE,
        sale_type_id=long_type.pk,
        company_id=company.pk,
        contact_id=contact.pk,
        amount=1234567800,
    )
    long_sale = sales.move_sale_to_stage(user, long_sale.pk, word.pk)
    long_sale = sales.set_sale_probability(user, long_sale.pk, 55)

    guided = sales.create_sale(
        user, title="Kantoorinrichting Jansen", sale_type_id=starter.pk, company_id=company.pk, contact_id=contact.pk
    )
    first = activities.create_followup_from_suggestion(user, guided.pk, _first_suggestion(SuggestedFollowup, guided))
    activities.complete_activity(user, first.pk, sale_id=guided.pk)
    activities.create_activity(
        user,
        activity_type_id=call.pk,
        title=LONG_FOLLOWUP,
        start=timezone.now() + dt.timedelta(days=3),
        sale_id=guided.pk,
        text=LONG_TITLE,
    )
    documents.create_document_from_suggestion(user, guided.pk, _first_suggestion(SuggestedDocument, guided))
    accounts.create_token(user, LONG_TOKEN)
    accounts.create_token(user, "script")

    return ScreensWorld(
        user=user,
        long_sale=Sale.objects.get(pk=long_sale.pk),
        guided_sale=Sale.objects.get(pk=guided.pk),
        long_sale_type=long_type,
        starter_sale_type=starter,
        company=company,
        contact=contact,
    )


def main_pages(world: ScreensWorld) -> list[str]:
    """The pages a person meets: every list, card and tab, the settings and the guide pages."""
    long_sale, guided = world.long_sale.pk, world.guided_sale.pk
    pages = ["/", "/attention/", "/sales/", "/activities/", "/companies/", "/contacts/", "/profile/"]
    for sale in (long_sale, guided):
        pages += [f"/sales/{sale}/?tab={tab}" for tab in ("guide", "activities", "documents", "history")]
        pages.append(f"/sales/{sale}/edit/")
    pages += [f"/companies/{world.company.pk}/", f"/contacts/{world.contact.pk}/"]
    pages += ["/settings/", "/settings/stages/", "/settings/activity-types/", "/settings/reasons/"]
    pages += ["/settings/competitors/", "/settings/categories/", "/settings/templates/", "/settings/users/"]
    pages += ["/settings/guides/", "/settings/guides/sale-types/"]
    pages += [f"/settings/guides/{world.long_sale_type.pk}/", f"/settings/guides/{world.starter_sale_type.pk}/"]
    return pages
