from django.urls import path

from salesguide.web.accounts import views

urlpatterns = [
    path("", views.home, name="home"),
    path("attention/", views.attention, name="attention"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("language/", views.choose_language, name="choose_language"),
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/", views.token_create, name="token_create"),
    path("profile/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("profile/time-zone/", views.time_zone, name="time_zone"),
    path("profile/calendar/renew/", views.calendar_renew, name="calendar_renew"),
    path("profile/calendar/off/", views.calendar_off, name="calendar_off"),
]
