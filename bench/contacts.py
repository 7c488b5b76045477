"""The benchmark's contacts: a few people at each company, for the contact search (issue 11). Drawn from a
random generator of their own, so adding them leaves every other generated row as it was."""

from __future__ import annotations

import random

from bench.catalog import WORDS
from salesguide.models import Contact

CONTACTS_PER_COMPANY = 3
FIRST_NAMES = ("Anna", "Bram", "Carla", "Daan", "Eva", "Finn", "Greta", "Hugo", "Iris", "Joost", "Kim", "Lars")
LAST_NAMES = ("Jansen", "de Vries", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "Bos", "Peters")


def build_contacts(seed: int, company_ids: list[int]) -> int:
    """``CONTACTS_PER_COMPANY`` contacts at each company, each with an e-mail address of their own; returns how
    many were made."""
    rng = random.Random(seed * 7919 + 11)
    made = 0
    batch: list[Contact] = []
    for company_id in company_ids:
        for _ in range(CONTACTS_PER_COMPANY):
            made += 1
            last = rng.choice(LAST_NAMES)
            batch.append(
                Contact(
                    first_name=rng.choice(FIRST_NAMES),
                    last_name=last,
                    company_id=company_id,
                    title=rng.choice(("Buyer", "Director", "IT manager", "Office manager")),
                    email=f"{last.replace(' ', '').lower()}.{made}@{rng.choice(WORDS)}.example",
                    phone=f"+31 6 {rng.randrange(10_000_000, 99_999_999)}",
                )
            )
        if len(batch) >= 5000:
            Contact.objects.bulk_create(batch)
            batch = []
    Contact.objects.bulk_create(batch)
    return made
