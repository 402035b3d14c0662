"""The API tokens page of an organisation, mounted at ``/my/entities/<slug>/api-tokens/``."""

from django.urls import path

from p2c.api import views

app_name = "api_tokens"
urlpatterns = [
    path("", views.tokens, name="list"),
    path("<int:pk>/revoke/", views.token_revoke, name="revoke"),
]
