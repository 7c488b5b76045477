"""The wording of the starter document templates (``starter.templates``), in English and Dutch.

These are document texts, not interface strings: a Dutch installation gets Dutch letters, whatever language
its users read the screens in, so they are written out here rather than translated with gettext. The Dutch
letters address the reader formally ("u"). Merge fields that may be empty sit inside ``{% if %}``.
"""

from __future__ import annotations

from collections.abc import Mapping

TEXTS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "email_name": "Meeting confirmation (e-mail)",
        "quote_name": "Quotation",
        "contract_name": "Contract",
        "followup_name": "Follow-up letter",
        # shared
        "attn": "Attn. {{ contact.name }}",
        "date": "Date",
        "reference": "Our reference",
        "subject": "Subject",
        "name": "Name",
        "place": "Place",
        "signature": "Signature",
        "page": "Page ",
        "page_of": " of ",
        "dear": "{% if contact.name %}Dear {{ contact.name }},{% else %}Dear Sir or Madam,{% endif %}",
        "regards": "Kind regards,",
        # the seller's numbers in the footer of a letter
        "registration_label": "Company no.",
        "vat_label": "VAT no.",
        "iban_label": "IBAN",
        # the meeting confirmation
        "email_greeting": (
            "{% if contact.first_name %}Dear {{ contact.first_name }},{% elif contact.name %}Dear "
            "{{ contact.name }},{% else %}Dear Sir or Madam,{% endif %}"
        ),
        "email_confirmation": (
            "Thank you for making time for me. With this e-mail I confirm our appointment about "
            "{{ sale.title }}, on the date and at the time we agreed."
        ),
        "email_with": "With",
        "email_agenda": (
            "In our meeting I would like to get to know your situation and wishes better, show you how we can "
            "help, and agree on the next steps together."
        ),
        "email_change": (
            "If the time no longer suits you, or if you would like a colleague to join us, just reply to this e-mail."
        ),
        "email_looking_forward": "I look forward to meeting you.",
        # the quotation
        "quote_title": "Quotation",
        "quote_intro": (
            "Thank you for the pleasant conversations we have had. As promised, I am pleased to send you our "
            "quotation for {{ sale.title }}."
        ),
        "quote_lines_intro": "Our offer consists of the following:",
        "quote_columns": "Description|Quantity|Unit price|Total",
        "quote_total": "Total excluding VAT",
        "quote_amount": "The price for {{ sale.title }} is {{ sale.amount }}, excluding VAT.",
        "quote_terms_title": "Validity and terms",
        "quote_terms": (
            "This quotation is valid for 30 days from the date above. All prices are in {{ sale.currency }} "
            "and exclude VAT.\n"
            "We invoice on delivery; payment is due within 30 days of the invoice date. Our general terms and "
            "conditions apply to this quotation and to the agreement that follows from it."
        ),
        "quote_close": (
            "We trust that this quotation meets your wishes. If you have any questions, please do not hesitate "
            "to contact me. To accept it, sign below and return a copy to me{% if owner.email %} at "
            "{{ owner.email }}{% endif %}."
        ),
        "quote_acceptance": "For acceptance",
        "quote_on_behalf": "On behalf of {{ company.name }}",
        # the contract
        "contract_title": "Agreement",
        "contract_parties": "The undersigned:",
        "contract_customer_name": (
            "{% if company.name %}{{ company.name }}{% elif contact.name %}{{ contact.name }}"
            "{% else %}……………………………{% endif %}"
        ),
        "contract_customer": (
            "{% if company.registration_number %}, registered under company number "
            "{{ company.registration_number }}{% endif %}{% if company.address_line %}, of "
            "{{ company.address_line }}{% endif %}{% if company.name and contact.name %}, represented by "
            "{{ contact.name }}{% if contact.job_title %} ({{ contact.job_title }}){% endif %}{% endif %}, "
            "hereinafter referred to as “the Customer”;"
        ),
        "contract_supplier_name": "{% if our_company.name %}{{ our_company.name }}{% endif %}",
        "contract_supplier": (
            "{% if our_company.name %}{% if our_company.registration_number %}, registered under company number "
            "{{ our_company.registration_number }}{% endif %}{% if our_company.address_line %}, of "
            "{{ our_company.address_line }}{% endif %}, represented by{% else %}the supplier, represented by"
            "{% endif %} {{ owner.name }}, hereinafter referred to as “the Supplier”,"
        ),
        "contract_agree": "hereinafter together referred to as “the Parties”, agree as follows.",
        "article": "Article",
        "contract_articles": (
            "Subject|The Supplier delivers {{ sale.title }} to the Customer as described in the Supplier's "
            "quotation, which forms part of this agreement. Where the quotation and this agreement differ, this "
            "agreement prevails.{% if our_reference %} The Parties quote reference {{ our_reference }} in all "
            "correspondence about this agreement.{% endif %}\n"
            "Term|This agreement takes effect on the date on which both Parties have signed it, and ends when the "
            "delivery has been completed and paid for in full.\n"
            "Price|The price for the delivery is {{ sale.amount }}, excluding VAT. The price is fixed for the term "
            "of this agreement, unless the Parties agree otherwise in writing.\n"
            "Payment|The Supplier invoices the price on delivery. The Customer pays each invoice within 30 days "
            "of the invoice date.\n"
            "Confidentiality|Each Party keeps confidential all information it receives from the other Party under "
            "this agreement, and uses it only to carry out this agreement. This obligation continues after the "
            "agreement has ended.\n"
            "Applicable law|This agreement is governed by the law of the country in which the Supplier has its "
            "registered office. Disputes are submitted to the competent court of the place where the Supplier "
            "has its registered office."
        ),
        "contract_signed": "Agreed and signed in duplicate.",
        "the_customer": "The Customer",
        "the_supplier": "The Supplier",
        # the follow-up letter
        "followup_title": "Follow-up letter",
        "followup_body": (
            "Thank you for the time you made for our recent conversation about {{ sale.title }}. It was good to "
            "hear more about your plans and about what matters most to you.\n"
            "I am writing to check in and to hear how things stand{% if company.name %} at {{ company.name }}"
            "{% endif %} since we spoke. As agreed, I will call you in the coming days to go through the next "
            "steps together and to answer any questions you may have.\n"
            "If anything is unclear in the meantime, or if something has changed, please let me know. You can "
            "reach me directly{% if owner.email %} at {{ owner.email }}{% endif %}.\n"
            "I look forward to continuing our conversation."
        ),
    },
    "nl": {
        "email_name": "Bevestiging afspraak (e-mail)",
        "quote_name": "Offerte",
        "contract_name": "Overeenkomst",
        "followup_name": "Opvolgbrief",
        # shared
        "attn": "T.a.v. {{ contact.name }}",
        "date": "Datum",
        "reference": "Onze referentie",
        "subject": "Betreft",
        "name": "Naam",
        "place": "Plaats",
        "signature": "Handtekening",
        "page": "Pagina ",
        "page_of": " van ",
        "dear": "{% if contact.name %}Geachte {{ contact.name }},{% else %}Geachte heer, mevrouw,{% endif %}",
        "regards": "Met vriendelijke groet,",
        # the seller's numbers in the footer of a letter
        "registration_label": "KvK",
        "vat_label": "Btw-nr.",
        "iban_label": "IBAN",
        # the meeting confirmation
        "email_greeting": (
            "{% if contact.first_name %}Beste {{ contact.first_name }},{% elif contact.name %}Geachte "
            "{{ contact.name }},{% else %}Geachte heer, mevrouw,{% endif %}"
        ),
        "email_confirmation": (
            "Hartelijk dank dat u tijd voor mij vrijmaakt. Met deze e-mail bevestig ik onze afspraak over "
            "{{ sale.title }}, op de datum en het tijdstip die we hebben afgesproken."
        ),
        "email_with": "Met",
        "email_agenda": (
            "In ons gesprek wil ik uw situatie en wensen graag beter leren kennen, laten zien hoe wij u kunnen "
            "helpen en samen de volgende stappen afspreken."
        ),
        "email_change": (
            "Komt het tijdstip u toch niet goed uit, of wilt u dat een collega aansluit? Beantwoord dan gerust "
            "deze e-mail."
        ),
        "email_looking_forward": "Ik kijk uit naar ons gesprek.",
        # the quotation
        "quote_title": "Offerte",
        "quote_intro": (
            "Hartelijk dank voor de prettige gesprekken die wij met u voerden. Zoals toegezegd stuur ik u "
            "hierbij graag onze offerte voor {{ sale.title }}."
        ),
        "quote_lines_intro": "Onze aanbieding bestaat uit het volgende:",
        "quote_columns": "Omschrijving|Aantal|Prijs per stuk|Totaal",
        "quote_total": "Totaal exclusief btw",
        "quote_amount": "De prijs voor {{ sale.title }} bedraagt {{ sale.amount }}, exclusief btw.",
        "quote_terms_title": "Geldigheid en voorwaarden",
        "quote_terms": (
            "Deze offerte is 30 dagen geldig vanaf bovenstaande datum. Alle prijzen zijn in {{ sale.currency }} "
            "en exclusief btw.\n"
            "Wij factureren bij levering; de betalingstermijn is 30 dagen na factuurdatum. Op deze offerte en op "
            "de overeenkomst die daaruit voortvloeit zijn onze algemene voorwaarden van toepassing."
        ),
        "quote_close": (
            "Wij vertrouwen erop dat deze offerte aan uw wensen voldoet. Heeft u vragen, neem dan gerust contact "
            "met mij op. Voor akkoord kunt u deze offerte hieronder ondertekenen en een exemplaar aan mij "
            "terugsturen{% if owner.email %} via {{ owner.email }}{% endif %}."
        ),
        "quote_acceptance": "Voor akkoord",
        "quote_on_behalf": "Namens {{ company.name }}",
        # the contract
        "contract_title": "Overeenkomst",
        "contract_parties": "De ondergetekenden:",
        "contract_customer_name": (
            "{% if company.name %}{{ company.name }}{% elif contact.name %}{{ contact.name }}"
            "{% else %}……………………………{% endif %}"
        ),
        "contract_customer": (
            "{% if company.registration_number %}, ingeschreven bij de Kamer van Koophandel onder nummer "
            "{{ company.registration_number }}{% endif %}{% if company.address_line %}, gevestigd aan "
            "{{ company.address_line }}{% endif %}{% if company.name and contact.name %}, in deze "
            "vertegenwoordigd door {{ contact.name }}{% if contact.job_title %} ({{ contact.job_title }})"
            "{% endif %}{% endif %}, hierna te noemen „de Klant”;"
        ),
        "contract_supplier_name": "{% if our_company.name %}{{ our_company.name }}{% endif %}",
        "contract_supplier": (
            "{% if our_company.name %}{% if our_company.registration_number %}, ingeschreven bij de Kamer van "
            "Koophandel onder nummer {{ our_company.registration_number }}{% endif %}{% if our_company.address_line %}"
            ", gevestigd aan {{ our_company.address_line }}{% endif %}, in deze vertegenwoordigd door{% else %}de "
            "leverancier, in deze vertegenwoordigd door{% endif %} {{ owner.name }}, hierna te noemen "
            "„de Leverancier”,"
        ),
        "contract_agree": "hierna samen te noemen „Partijen”, komen het volgende overeen.",
        "article": "Artikel",
        "contract_articles": (
            "Onderwerp|De Leverancier levert aan de Klant: {{ sale.title }}, zoals beschreven in de offerte van de "
            "Leverancier, die deel uitmaakt van deze overeenkomst. Bij verschillen tussen de offerte en deze "
            "overeenkomst gaat deze overeenkomst voor.{% if our_reference %} Partijen vermelden in alle "
            "correspondentie over deze overeenkomst de referentie {{ our_reference }}.{% endif %}\n"
            "Looptijd|Deze overeenkomst gaat in op de datum waarop beide Partijen haar hebben ondertekend, en "
            "eindigt wanneer de levering volledig is uitgevoerd en betaald.\n"
            "Prijs|De prijs voor de levering bedraagt {{ sale.amount }}, exclusief btw. De prijs staat vast voor "
            "de looptijd van deze overeenkomst, tenzij Partijen schriftelijk anders overeenkomen.\n"
            "Betaling|De Leverancier factureert de prijs bij levering. De Klant betaalt elke factuur binnen 30 "
            "dagen na factuurdatum.\n"
            "Geheimhouding|Partijen houden alle informatie die zij in het kader van deze overeenkomst van elkaar "
            "ontvangen geheim, en gebruiken die alleen voor de uitvoering ervan. Deze verplichting blijft na het "
            "einde van de overeenkomst bestaan.\n"
            "Toepasselijk recht|Op deze overeenkomst is Nederlands recht van toepassing. Geschillen worden "
            "voorgelegd aan de bevoegde rechter in het arrondissement waar de Leverancier is gevestigd."
        ),
        "contract_signed": "Aldus overeengekomen en in tweevoud ondertekend.",
        "the_customer": "De Klant",
        "the_supplier": "De Leverancier",
        # the follow-up letter
        "followup_title": "Opvolgbrief",
        "followup_body": (
            "Hartelijk dank voor de tijd die u onlangs vrijmaakte voor ons gesprek over {{ sale.title }}. Het was "
            "goed om meer te horen over uw plannen en over wat voor u het belangrijkst is.\n"
            "Met deze brief wil ik graag even horen hoe de zaken er{% if company.name %} bij {{ company.name }}"
            "{% endif %} sinds ons gesprek voor staan. Zoals afgesproken bel ik u de komende dagen om samen de "
            "volgende stappen door te nemen en uw eventuele vragen te beantwoorden.\n"
            "Is er in de tussentijd iets onduidelijk, of is er iets veranderd, laat het mij dan gerust weten. U "
            "kunt mij rechtstreeks bereiken{% if owner.email %} via {{ owner.email }}{% endif %}.\n"
            "Ik kijk ernaar uit ons gesprek voort te zetten."
        ),
    },
}
