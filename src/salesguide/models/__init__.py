"""Django models, one module per area. Import models from here."""

from salesguide.models.accounts import ApiToken, Role, User
from salesguide.models.activities import Activity, Document
from salesguide.models.catalog import (
    ActivityKind,
    ActivityType,
    Category,
    Competitor,
    DocumentKind,
    DocumentTemplate,
    DurationUnit,
    ExitCriteria,
    ProbabilityPolicy,
    Reason,
    ReasonKind,
    SaleType,
    SaleTypeStage,
    Stage,
    SuggestedDocument,
    SuggestedFollowup,
    TemplateFormat,
)
from salesguide.models.customers import Company, Contact
from salesguide.models.our_company import OUR_COMPANY_ID, OurCompany
from salesguide.models.sales import PipelineTotal, Sale, SaleLine, SaleStatus, StageChange

__all__ = [
    "Activity",
    "Company",
    "Contact",
    "Document",
    "OUR_COMPANY_ID",
    "OurCompany",
    "PipelineTotal",
    "Sale",
    "SaleLine",
    "SaleStatus",
    "StageChange",
    "ActivityKind",
    "ActivityType",
    "ApiToken",
    "Category",
    "Competitor",
    "DocumentKind",
    "DocumentTemplate",
    "DurationUnit",
    "ExitCriteria",
    "ProbabilityPolicy",
    "Reason",
    "ReasonKind",
    "Role",
    "SaleType",
    "SaleTypeStage",
    "Stage",
    "SuggestedDocument",
    "SuggestedFollowup",
    "TemplateFormat",
    "User",
]
