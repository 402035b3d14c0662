"""Keeping the dashboard fresh: a data version that changes whenever what it counts changes.

The dashboard's aggregates are cached under a key that starts with :func:`data_version`. The
version is read from the database on every request (one query of two primary-key lookups), so
a change shows on the next request in every web process, whether the cache is Redis or one
in-memory cache per process. It combines:

- ``DataVersion.number``, increased **in the same transaction** as the change, by receivers of
  Django's signals: a pledge saved while published, or any review transition (every transition
  saves ``state`` with ``update_fields``: publishing, withdrawing, …); a published pledge
  deleted; the relations of a published pledge changed (focus areas, countries, partners, …);
  an entity edited (its type and home country are counted); countries, regions or the taxonomy
  edited or deleted; the reference data reloaded with changes (a ``ReferenceList`` saved: countries
  are updated in bulk); demo data marked as loaded (``PlatformState``);
- the highest pledge id, which changes when pledges are inserted in bulk (the demo-data
  writer's bulk statements send no signals), and the highest milestone id (thresholds crossed
  are recorded with ``bulk_create`` after a publication commits); milestones edited or deleted,
  and taxonomy names edited, bump the number too (the cached page shows them).

Writes that bypass signals and do not add pledges (``QuerySet.update``, raw SQL) must call
:func:`data_version_bump` themselves; the cached figures otherwise expire after
``aggregates.CACHE_SECONDS`` at the latest.
"""

from __future__ import annotations

import weakref
from typing import Any

from django.db import connection
from django.db.models import F, Model
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_migrate
from django.utils import timezone

from p2c.dashboard.models import DataVersion

_migrating = False  # no bumps while ``migrate`` runs: the table may not exist yet


def data_version() -> str:
    """The current data version, as text for a cache key (one query)."""
    from p2c.content.models import Milestone
    from p2c.pledges.models import Pledge

    version_table, pledge_table, milestone_table = (
        connection.ops.quote_name(model._meta.db_table) for model in (DataVersion, Pledge, Milestone)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT number FROM {version_table} WHERE id = 1), (SELECT MAX(id) FROM {pledge_table}), "  # noqa: S608 - table names from the models
            f"(SELECT MAX(id) FROM {milestone_table})"
        )
        number, last_pledge, last_milestone = cursor.fetchone()
    return f"{number or 0}-{last_pledge or 0}-{last_milestone or 0}"


def data_version_bump(*, warm: bool = True) -> None:
    """Increase the data version, inside the current transaction (so it commits with the change).

    With ``warm``, the unfiltered dashboard is then computed again in the background, once the
    transaction has committed (``p2c.dashboard.warm``); a change that cannot alter a figure (a
    review transition of a pledge that is not and was not published) leaves it.
    """
    if _migrating:
        return
    now = timezone.now()
    if not DataVersion.objects.filter(id=1).update(number=F("number") + 1, changed_at=now):
        DataVersion.objects.get_or_create(id=1)
        DataVersion.objects.filter(id=1).update(number=F("number") + 1, changed_at=now)
    if warm:
        from p2c.dashboard.warm import schedule_after_commit

        schedule_after_commit()


# --- Receivers -------------------------------------------------------------------------------------
def _pledge_saved(sender: Any, instance: Any, raw: bool = False, update_fields: Any = None, **kwargs: Any) -> None:
    """A published pledge changed, or a pledge changed state (a review transition)."""
    if raw:
        return
    if instance.state == instance.State.PUBLISHED:
        data_version_bump()
    elif update_fields and "state" in update_fields:
        # Leaving publication warms the dashboard too: the per-pledge rows know (p2c.dashboard.figures).
        data_version_bump(warm=False)


class _Deletion:
    """The deletion last counted, so that deleting thousands of rows at once bumps the version once."""

    origin: weakref.ref[Any] | None = None

    @classmethod
    def first_of(cls, origin: Any) -> bool:
        """Whether ``origin`` (the object or queryset whose ``delete()`` started the cascade) is new."""
        if origin is None:
            return True
        if cls.origin is not None and cls.origin() is origin:
            return False
        try:
            cls.origin = weakref.ref(origin)
        except TypeError:  # pragma: no cover - every model instance and queryset can be weakly referenced
            cls.origin = None
        return True


def _pledge_deleted(sender: Any, instance: Any, origin: Any = None, **kwargs: Any) -> None:
    """A published pledge was deleted (one bump per ``delete()`` call, however many rows it removes)."""
    if instance.state == instance.State.PUBLISHED and _Deletion.first_of(origin):
        data_version_bump()


def _relations_changed(sender: Any, instance: Any, action: str, reverse: bool, **kwargs: Any) -> None:
    """The focus areas, countries, … of a pledge changed (or, from the other side, of any pledges)."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse or getattr(instance, "state", None) == "published":
        data_version_bump()


def _partner_changed(sender: Any, instance: Any, raw: bool = False, origin: Any = None, **kwargs: Any) -> None:
    """A partner of a published pledge was added, changed or removed.

    Partners deleted with their pledge are left to ``_pledge_deleted``.
    """
    from p2c.pledges.models import Pledge

    if raw or isinstance(origin, Pledge) or getattr(origin, "model", None) is Pledge:
        return
    if Pledge.objects.filter(pk=instance.pledge_id, state=Pledge.State.PUBLISHED).exists():
        data_version_bump()


def _changed(sender: Any, raw: bool = False, created: bool = False, origin: Any = None, **kwargs: Any) -> None:
    """Reference data, an entity or the platform's state changed; a new entity counts nowhere yet."""
    if raw or (created and sender.__name__ == "Entity"):
        return
    if _Deletion.first_of(origin):
        data_version_bump()


def is_migrating() -> bool:
    """Whether ``migrate`` is running (the dashboard's tables may not exist yet)."""
    return _migrating


def _migration_started(**kwargs: Any) -> None:
    global _migrating
    _migrating = True


def _migration_finished(**kwargs: Any) -> None:
    global _migrating
    _migrating = False


def connect_receivers() -> None:
    """Called once from ``DashboardConfig.ready``."""
    from p2c.content.models import Event, Milestone
    from p2c.core.models import PlatformState
    from p2c.entities.models import Entity, EntityType
    from p2c.geo.models import Country, ReferenceList, Region
    from p2c.pledges.models import SDG, FocusArea, Pillar, Pledge, PledgePartner, PledgeType, TargetGroup

    uid = "dashboard_freshness"
    pre_migrate.connect(_migration_started, dispatch_uid=f"{uid}_pre_migrate")
    post_migrate.connect(_migration_finished, dispatch_uid=f"{uid}_post_migrate")
    post_save.connect(_pledge_saved, sender=Pledge, dispatch_uid=f"{uid}_pledge_saved")
    post_delete.connect(_pledge_deleted, sender=Pledge, dispatch_uid=f"{uid}_pledge_deleted")
    for name in ("focus_areas", "pillars", "pledge_types", "sdgs", "target_groups", "countries", "regions", "partners"):
        through = getattr(Pledge, name).through
        m2m_changed.connect(_relations_changed, sender=through, dispatch_uid=f"{uid}_m2m_{name}")
    post_save.connect(_partner_changed, sender=PledgePartner, dispatch_uid=f"{uid}_partner_saved")
    post_delete.connect(_partner_changed, sender=PledgePartner, dispatch_uid=f"{uid}_partner_deleted")
    taxonomy: list[type[Model]] = [FocusArea, Pillar, PledgeType, SDG, TargetGroup, EntityType, Event]
    saved: list[type[Model]] = [Entity, Country, Region, ReferenceList, PlatformState, Milestone, *taxonomy]
    deleted: list[type[Model]] = [Entity, Country, Region, Milestone, *taxonomy]
    for model in saved:
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}_saved_{model.__name__}")
    for model in deleted:
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}_deleted_{model.__name__}")
