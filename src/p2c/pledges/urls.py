"""Public pledge URLs."""

from django.urls import path

from p2c.pledges.views.detail import pledge_detail, pledge_detail_json
from p2c.pledges.views.explorer import pledge_explorer

app_name = "pledges"
urlpatterns = [
    path("", pledge_explorer, name="explorer"),
    path("<str:reference>/", pledge_detail, name="detail"),
    path("<str:reference>.json", pledge_detail_json, name="detail_json"),
]
