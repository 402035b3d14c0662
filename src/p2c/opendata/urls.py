"""Open-data URLs: the secretariat's import under ``/secretariat/import/`` (a page, so it has a language prefix).

The bulk downloads (``/pledges/download.<fmt>``) are data, not pages: ``download_urls`` serves them
without a language prefix.
"""

from django.urls import path

from p2c.opendata.views import imports

app_name = "opendata"
urlpatterns = [
    path("secretariat/import/", imports.import_upload, name="import_upload"),
    path("secretariat/import/<int:batch_id>/", imports.import_batch, name="import_batch"),
    path("secretariat/import/<int:batch_id>/import/", imports.import_batch_commit, name="import_commit"),
]
