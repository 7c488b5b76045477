"""Our company (Settings › Our company): the seller's name, address, numbers and logo that documents and the
printed sale show. Everyone reads them; administrators change them."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext
from ninja import Router, Schema
from pydantic import Field, WithJsonSchema

from salesguide.api.auth import actor
from salesguide.api.errors import BODY, READ, WRITE, InvalidInput, UnsupportedMediaType, responses
from salesguide.api.fields import NotNull, ShortText
from salesguide.api.schemas import InSchema
from salesguide.domain.addresses import PostalAddress, address_lines
from salesguide.domain.customers import TextRule
from salesguide.domain.our_company import LOGO_MAX_BYTES, OUR_COMPANY_RULES
from salesguide.models import OurCompany
from salesguide.services import company as service

router = Router(tags=["Our company"])


def _documented(name: str) -> WithJsonSchema:
    rule: TextRule = OUR_COMPANY_RULES[name]
    schema: dict[str, Any] = {"type": "string", "maxLength": rule.max_length}
    if rule.required:
        schema["minLength"] = 1
    return WithJsonSchema(schema)


Name = Annotated[ShortText, _documented("name")]
Address = Annotated[ShortText, _documented("address")]
PostalCode = Annotated[ShortText, _documented("postal_code")]
City = Annotated[ShortText, _documented("city")]
Country = Annotated[ShortText, _documented("country")]
Phone = Annotated[ShortText, _documented("phone")]
Email = Annotated[ShortText, _documented("email")]
Website = Annotated[ShortText, _documented("website")]
RegistrationNumber = Annotated[ShortText, _documented("registration_number")]
VatNumber = Annotated[ShortText, _documented("vat_number")]
Iban = Annotated[ShortText, _documented("iban")]

# In a PATCH a field left out keeps its value; null is refused (send "" to empty a field).
NamePatch = Annotated[ShortText | None, NotNull, _documented("name")]
AddressPatch = Annotated[ShortText | None, NotNull, _documented("address")]
PostalCodePatch = Annotated[ShortText | None, NotNull, _documented("postal_code")]
CityPatch = Annotated[ShortText | None, NotNull, _documented("city")]
CountryPatch = Annotated[ShortText | None, NotNull, _documented("country")]
PhonePatch = Annotated[ShortText | None, NotNull, _documented("phone")]
EmailPatch = Annotated[ShortText | None, NotNull, _documented("email")]
WebsitePatch = Annotated[ShortText | None, NotNull, _documented("website")]
RegistrationNumberPatch = Annotated[ShortText | None, NotNull, _documented("registration_number")]
VatNumberPatch = Annotated[ShortText | None, NotNull, _documented("vat_number")]
IbanPatch = Annotated[ShortText | None, NotNull, _documented("iban")]


class OurCompanyIn(InSchema):
    """All the settings at once: a field left out is emptied."""

    name: Name
    address: Address = Field("", description="Street and number.")
    postal_code: PostalCode = ""
    city: City = ""
    country: Country = Field(
        "", description="As people write it (“Nederland”, “United Kingdom”, “GB”); it decides the address order."
    )
    phone: Phone = ""
    email: Email = Field("", description="An e-mail address, or empty.")
    website: Website = Field("", description="A web address such as `www.example.com`, or empty.")
    registration_number: RegistrationNumber = Field(
        "", description="Chamber of commerce or company registration number."
    )
    vat_number: VatNumber = ""
    iban: Iban = Field("", description="Checked (ISO 13616) and stored in groups of four.")


class OurCompanyPatch(InSchema):
    """Only the fields given change; send "" to empty one."""

    name: NamePatch = None
    address: AddressPatch = None
    postal_code: PostalCodePatch = None
    city: CityPatch = None
    country: CountryPatch = None
    phone: PhonePatch = None
    email: EmailPatch = None
    website: WebsitePatch = None
    registration_number: RegistrationNumberPatch = None
    vat_number: VatNumberPatch = None
    iban: IbanPatch = None


class OurCompanyOut(Schema):
    name: str
    address: str
    postal_code: str
    city: str
    country: str
    address_lines: list[str] = Field(description="The postal address in the order of its country.")
    phone: str
    email: str
    website: str
    registration_number: str
    vat_number: str
    iban: str
    logo_url: str | None = Field(description="Where to download the logo; null when there is none.")


def our_company_out(company: OurCompany) -> dict[str, Any]:
    return {
        "name": company.name,
        "address": company.address,
        "postal_code": company.postal_code,
        "city": company.city,
        "country": company.country,
        "address_lines": address_lines(
            PostalAddress(company.address, company.postal_code, company.city, company.country)
        ),
        "phone": company.phone,
        "email": company.email,
        "website": company.website,
        "registration_number": company.registration_number,
        "vat_number": company.vat_number,
        "iban": company.iban,
        "logo_url": reverse("api-v1:our_company_logo") if company.logo else None,
    }


@router.get(
    "/settings/company",
    response=responses({200: OurCompanyOut}, *READ),
    summary="Our company: the seller that documents name",
)
def get_our_company(request: HttpRequest) -> dict[str, Any]:
    return our_company_out(service.get_our_company(actor(request)))


@router.put(
    "/settings/company",
    response=responses({200: OurCompanyOut}, *WRITE, *BODY),
    summary="Set our company (administrators)",
    description="Every field at once; a field left out is emptied. The logo has its own path.",
)
def put_our_company(request: HttpRequest, payload: OurCompanyIn) -> dict[str, Any]:
    return our_company_out(service.update_our_company(actor(request), **payload.model_dump()))


@router.patch(
    "/settings/company",
    response=responses({200: OurCompanyOut}, *WRITE, *BODY),
    summary="Change some fields of our company (administrators)",
)
def patch_our_company(request: HttpRequest, payload: OurCompanyPatch) -> dict[str, Any]:
    return our_company_out(service.update_our_company(actor(request), **payload.model_dump(exclude_unset=True)))


@router.get(
    "/settings/company/logo",
    response=responses({200: None}, *READ, 404),
    summary="Download our logo",
    openapi_extra={
        "responses": {
            200: {
                "description": "The logo as it was uploaded.",
                "content": {
                    "image/png": {"schema": {"type": "string", "format": "binary"}},
                    "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
                },
            }
        }
    },
    url_name="our_company_logo",
)
def get_our_company_logo(request: HttpRequest) -> HttpResponse:
    logo = service.get_our_company_logo(actor(request))
    response = HttpResponse(logo.content, content_type=logo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


_LOGO_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "logo": {
                            "type": "string",
                            "format": "binary",
                            "description": f"A PNG or JPEG image of at most {LOGO_MAX_BYTES // 1024} KB.",
                        }
                    },
                    "required": ["logo"],
                }
            }
        },
    }
}


@router.post(
    "/settings/company/logo",
    response=responses({200: OurCompanyOut}, *WRITE, *BODY, 415),
    summary="Upload our logo (administrators)",
    description="Multipart with the image in `logo`: PNG or JPEG; it replaces the logo there was.",
    openapi_extra=_LOGO_BODY,
)
def upload_our_company_logo(request: HttpRequest) -> dict[str, Any]:
    if request.content_type != "multipart/form-data":
        raise UnsupportedMediaType(["multipart/form-data"])
    upload = request.FILES.get("logo")
    if upload is None:
        raise InvalidInput([{"loc": ["body", "logo"], "msg": gettext("Upload the logo as a PNG or JPEG image.")}])
    # At most one byte more than allowed: enough to say "too large", never a huge file in memory.
    content: bytes = upload.read(LOGO_MAX_BYTES + 1)
    return our_company_out(service.set_our_company_logo(actor(request), content))


@router.delete(
    "/settings/company/logo",
    response=responses({200: OurCompanyOut}, *WRITE),
    summary="Remove our logo (administrators)",
)
def delete_our_company_logo(request: HttpRequest) -> dict[str, Any]:
    return our_company_out(service.remove_our_company_logo(actor(request)))
