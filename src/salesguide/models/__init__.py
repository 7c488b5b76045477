"""Django models, one module per area. Import models from here."""

from salesguide.models.accounts import ApiToken, Role, User
from salesguide.models.catalog import (
    ActivityKind,
    ActivityType,
    Category,
    Competitor,
    DocumentKind,
    DocumentTemplate,
    DurationUnit,
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

__all__ = [
    "ActivityKind",
    "ActivityType",
    "ApiToken",
    "Category",
    "Competitor",
    "DocumentKind",
    "DocumentTemplate",
    "DurationUnit",
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
