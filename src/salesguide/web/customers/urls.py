"""Companies and contacts, mounted at the site root (``/companies/...``, ``/contacts/...``). Url names live in
the ``customers`` namespace."""

from django.urls import path

from salesguide.web.customers import company_views, contact_views

app_name = "customers"

urlpatterns = [
    path("companies/", company_views.company_list, name="company_list"),
    path("companies/add/", company_views.company_add, name="company_add"),
    path("companies/<int:pk>/", company_views.company_card, name="company_card"),
    path("companies/<int:pk>/edit/", company_views.company_edit, name="company_edit"),
    path("companies/<int:pk>/delete/", company_views.company_delete, name="company_delete"),
    path("contacts/", contact_views.contact_list, name="contact_list"),
    path("contacts/add/", contact_views.contact_add, name="contact_add"),
    path("contacts/company-choices/", contact_views.company_choices, name="company_choices"),
    path("contacts/<int:pk>/", contact_views.contact_card, name="contact_card"),
    path("contacts/<int:pk>/edit/", contact_views.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/delete/", contact_views.contact_delete, name="contact_delete"),
]
