"""The public REST API under ``/api/v1/`` (django-ninja) and the API tokens of large pledgers (docs/api.md)."""
