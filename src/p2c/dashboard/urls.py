"""The dashboard's URLs: the page and the CSV of each chart (``/dashboard/focus-areas.csv?…``)."""

from django.urls import path

from p2c.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("<slug:chart>.csv", views.dashboard_csv, name="csv"),
]
