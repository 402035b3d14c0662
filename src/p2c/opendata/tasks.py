"""Background tasks of the bulk import. Thin: they take ids and call a service of ``p2c.opendata.imports``.

Checking and importing a file run as tasks because a file of thousands of pledges takes longer
than a web request should (every row goes through the pledge services, a few milliseconds each).
"""

from __future__ import annotations

from django_tasks import task


@task()
def import_batch_check_task(*, batch_id: int) -> str:
    """Check every row of an uploaded file without writing anything; returns the batch's status."""
    from p2c.opendata.imports import import_batch_check

    return str(import_batch_check(batch_id=batch_id).status)


@task()
def import_batch_commit_task(*, batch_id: int, acting_user_id: int) -> str:
    """Import a checked file, all rows or none; returns the batch's status."""
    from p2c.accounts.models import User
    from p2c.opendata.imports import import_batch_commit

    return str(import_batch_commit(batch_id=batch_id, acting_user=User.objects.get(pk=acting_user_id)).status)
