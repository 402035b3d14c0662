"""Top-level URL configuration."""

from django.contrib import admin
from django.urls import include, path

from p2c.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("health/", core_views.health, name="health"),
    path("", include("p2c.opendata.urls")),  # /pledges/download.<fmt> (before pledges/), /secretariat/import/
    path("pledges/", include("p2c.pledges.urls")),
    path("entities/", include("p2c.entities.urls")),
    path("countries/", include("p2c.geo.urls")),
    path("dashboard/", include("p2c.dashboard.urls")),
    path("", include("p2c.content.urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    # /my/reports/, /my/pledges/<ref>/report/, /review/reports/, /review/cycles/ (before my/ and review/)
    path("", include("p2c.reporting.urls")),
    path("my/entities/<slug:slug>/api-tokens/", include("p2c.api.token_urls")),
    path("my/entities/", include("p2c.entities.manage_urls")),
    path("my/", include("p2c.workspace.urls")),
    path("review/", include("p2c.review.urls")),
    path("api/v1/", include("p2c.api.urls")),
]
