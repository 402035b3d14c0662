"""The dashboard's background task. Tasks are thin: this one calls ``p2c.dashboard.warm.dashboard_warm``."""

from __future__ import annotations

from django_tasks import task


@task()
def dashboard_warm() -> bool:
    """Compute the dashboard of the current data version (unfiltered and as filtered lately): no visitor waits."""
    from p2c.dashboard.warm import dashboard_warm as warm

    return warm()
