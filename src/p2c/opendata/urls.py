"""Open-data URLs: the bulk downloads under ``/pledges/`` and the secretariat's import under ``/secretariat/import/``.

Included at the root, before ``pledges/`` (whose ``<reference>/`` would otherwise be tried first).
"""

from django.urls import path

from p2c.opendata.views import downloads, imports

app_name = "opendata"
urlpatterns = [
    path("pledges/download.<str:fmt>", downloads.pledges_download, name="download"),
    path("secretariat/import/", imports.import_upload, name="import_upload"),
    path("secretariat/import/<int:batch_id>/", imports.import_batch, name="import_batch"),
    path("secretariat/import/<int:batch_id>/import/", imports.import_batch_commit, name="import_commit"),
]
