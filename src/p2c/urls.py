"""Top-level URL configuration.

Pages live under ``i18n_patterns``: English without a prefix, the other five languages under theirs
(``/fr/pledges/``). Data and machinery (health, downloads, the API, the admin, the language switch)
have no prefix. See docs/i18n.md.
"""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from p2c.core import views as core_views
from p2c.core.languages import language_switch

urlpatterns = [
    path("health/", core_views.health, name="health"),
    path("language/<str:code>/", language_switch, name="language_switch"),
    path("", include("p2c.opendata.download_urls")),  # /pledges/download.<fmt> (before the pages' pledges/)
    path("admin/", admin.site.urls),
    path("api/v1/", include("p2c.api.urls")),
    *i18n_patterns(
        path("", core_views.home, name="home"),
        path("", include("p2c.opendata.urls")),  # /secretariat/import/
        path("pledges/", include("p2c.pledges.urls")),
        path("entities/", include("p2c.entities.urls")),
        path("countries/", include("p2c.geo.urls")),
        path("dashboard/", include("p2c.dashboard.urls")),
        path("", include("p2c.content.urls")),
        path("accounts/", include("allauth.urls")),
        # /my/reports/, /my/pledges/<ref>/report/, /review/reports/, /review/cycles/ (before my/ and review/)
        path("", include("p2c.reporting.urls")),
        path("my/entities/<slug:slug>/api-tokens/", include("p2c.api.token_urls")),
        path("my/entities/", include("p2c.entities.manage_urls")),
        path("my/", include("p2c.workspace.urls")),
        path("review/", include("p2c.review.urls")),
        prefix_default_language=False,
    ),
]
