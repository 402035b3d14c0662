"""Every model of the platform has a docstring and an admin with search and filters, and admin pages open."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from p2c.accounts.models import User

OUR_MODELS = [m for m in apps.get_models() if m.__module__.startswith("p2c.")]


def test_there_are_models_to_check() -> None:
    assert len(OUR_MODELS) >= 15


@pytest.mark.parametrize("model", OUR_MODELS, ids=lambda m: m._meta.label)
def test_model_has_docstring_and_searchable_filterable_admin(model: type) -> None:
    assert model.__doc__ and not model.__doc__.startswith(model.__name__ + "("), "write a docstring"
    model_admin = admin.site._registry.get(model)
    assert model_admin is not None, "register an admin"
    assert model_admin.search_fields, "give the admin search_fields"
    assert model_admin.list_filter, "give the admin list_filter"


@pytest.mark.django_db
@pytest.mark.parametrize("model", OUR_MODELS, ids=lambda m: m._meta.label)
def test_admin_list_and_search_pages_open(model: type) -> None:
    client = Client()
    client.force_login(User.objects.create_superuser(email="admin@example.org", password="x" * 12))
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "Kenya"}).status_code == 200
