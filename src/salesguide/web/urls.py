from django.urls import include, path

urlpatterns = [
    path("", include("salesguide.web.accounts.urls")),
    path("settings/", include("salesguide.web.catalog.urls")),
    path("settings/guides/", include("salesguide.web.guides.urls")),
    path("sales/", include("salesguide.web.sales.urls")),
    path("activities/", include("salesguide.web.activities.urls")),
    path("reports/", include("salesguide.web.reports.urls")),
    path("board/", include("salesguide.web.board.urls")),
    path("import/", include("salesguide.web.imports.urls")),
    path("", include("salesguide.web.customers.urls")),
    path("", include("salesguide.web.exports.urls")),
]
