"""Public entity URLs."""

from django.urls import path

from p2c.entities.views import entity_detail, entity_list

app_name = "entities"
urlpatterns = [
    path("", entity_list, name="list"),
    path("<slug:slug>/", entity_detail, name="detail"),
]
