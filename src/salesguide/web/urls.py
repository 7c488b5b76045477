from django.urls import include, path

urlpatterns = [
    path("", include("salesguide.web.accounts.urls")),
    path("settings/", include("salesguide.web.catalog.urls")),
    path("settings/guides/", include("salesguide.web.guides.urls")),
]
