"""Writes shared by every app: the audit trail and the platform's state."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import models, transaction
from django.utils import timezone

from p2c.core.models import AuditEvent, PlatformState
from p2c.core.selectors import DEMO_CACHE_KEY


def audit_event_record(
    *,
    target: models.Model,
    action: str,
    actor: Any = None,
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
    changed_fields: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record that ``actor`` did ``action`` to ``target``; call inside the transaction making the change."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        content_type=ContentType.objects.get_for_model(target),
        object_id=str(target.pk),
        object_repr=str(target)[:300],
        action=action,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        changed_fields=changed_fields or {},
    )


def changed_field_values(before: dict[str, Any], after: dict[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    """The fields whose value differs, as ``{field: [before, after]}`` with JSON-friendly values."""
    return {f: [_jsonable(before.get(f)), _jsonable(after.get(f))] for f in fields if before.get(f) != after.get(f)}


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple | set):
        return sorted(_jsonable(v) for v in value)
    return str(value)


@transaction.atomic
def platform_demo_data_mark(*, description: str) -> None:
    """Remember that demo data is loaded, so every page shows the demo banner."""
    state = PlatformState.current()
    state.demo_data_loaded_at = timezone.now()
    state.demo_data_description = description
    state.save()
    transaction.on_commit(lambda: cache.delete(DEMO_CACHE_KEY))


@transaction.atomic
def platform_demo_data_clear() -> None:
    """Forget the demo data marker (the banner disappears)."""
    PlatformState.objects.filter(id=1).update(demo_data_loaded_at=None, demo_data_description="")
    transaction.on_commit(lambda: cache.delete(DEMO_CACHE_KEY))


def database_statistics_refresh(using: str = "default") -> None:
    """Refresh the query planner's statistics after a bulk load.

    Without them SQLite takes ``state = 'published'`` (three rows in four) for a selective filter
    and walks the whole table; PostgreSQL misjudges row counts until autovacuum catches up.
    """
    from django.db import connections

    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit=1000")
            cursor.execute("ANALYZE")
        elif connection.vendor == "postgresql":
            cursor.execute("ANALYZE")


def database_visibility_refresh(using: str = "default") -> None:
    """After a bulk load on PostgreSQL, mark the new rows visible to all (``VACUUM``), so that
    index-only scans (the covering indexes of the country page and the accountability figures)
    need not visit the table; autovacuum would do it later. Nothing on SQLite, nor inside a
    transaction, where ``VACUUM`` cannot run.
    """
    from django.db import connections

    connection = connections[using]
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM")
