"""Public country URLs."""

from django.urls import path

from p2c.geo.views import country_detail, country_list

app_name = "geo"
urlpatterns = [
    path("", country_list, name="country_list"),
    path("<str:iso2>/", country_detail, name="country_detail"),
]
