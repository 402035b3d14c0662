"""The bulk downloads, ``/pledges/download.<fmt>``: included at the root, before the pages' ``pledges/``."""

from django.urls import path

from p2c.opendata.views import downloads

app_name = "downloads"
urlpatterns = [
    path("pledges/download.<str:fmt>", downloads.pledges_download, name="download"),
]
