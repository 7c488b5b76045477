from django.urls import include, path

urlpatterns = [
    path("api/v1/", include("salesguide.api.urls")),
    path("", include("salesguide.web.urls")),
]
