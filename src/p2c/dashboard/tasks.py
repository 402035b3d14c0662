"""The dashboard's background task. Tasks are thin: this one calls ``p2c.dashboard.warm.dashboard_warm``."""

from __future__ import annotations

from django_tasks import task


@task()
def dashboard_warm() -> bool:
    """Compute the unfiltered dashboard of the current data version, so that no visitor waits for it."""
    from p2c.dashboard.warm import dashboard_warm as warm

    return warm()
