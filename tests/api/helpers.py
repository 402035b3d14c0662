"""Helpers of the API tests: tokens for the personas, a client that sends them, JSON calls."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from p2c.accounts.models import User
from p2c.api.models import ApiToken
from p2c.api.services import api_token_create
from p2c.entities.models import Entity


def token_for(user: User, entity: Entity, *, scope: str = ApiToken.Scope.WRITE, name: str = "CRM sync") -> str:
    """A new token of ``entity`` created by ``user`` (a focal point); its secret."""
    _token, secret = api_token_create(acting_user=user, entity=entity, name=name, scope=scope)
    return secret


class ApiClient:
    """Django's test client, sending a bearer token and JSON."""

    def __init__(self, token: str | None = None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, **extra: Any) -> Any:
        return self.client.get(path, headers={**self.headers, **extra.pop("headers", {})}, **extra)

    def post(self, path: str, body: Any = None, **extra: Any) -> Any:
        return self.client.post(
            path, json.dumps(body if body is not None else {}), content_type="application/json", headers=self.headers
        )

    def patch(self, path: str, body: Any) -> Any:
        return self.client.patch(path, json.dumps(body), content_type="application/json", headers=self.headers)
