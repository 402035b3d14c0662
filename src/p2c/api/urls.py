"""The API's URLs, mounted at ``/api/v1/``: django-ninja's, each wrapped for caching and CORS, and the docs page."""

from django.urls import path
from django.views.generic import RedirectView

from p2c.api import views
from p2c.api.api import api
from p2c.api.caching import with_public_caching

PREFIX = "/api/v1/"

app_name = "api"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="api:docs"), name="index"),
    path("docs", views.docs, name="docs"),
    *with_public_caching(api.urls[0], PREFIX),
]
