"""The background task run after every change of the data version. Tasks are thin: this one calls
``p2c.dashboard.explorer_warm.explorer_warm`` and ``p2c.dashboard.warm.dashboard_warm``."""

from __future__ import annotations

from django_tasks import task


@task()
def dashboard_warm() -> bool:
    """Compute the explorer's first pages and the dashboard of the current data version (unfiltered and as
    filtered lately), so that no visitor waits for them; whether it computed anything."""
    from p2c.dashboard.explorer_warm import explorer_warm
    from p2c.dashboard.warm import dashboard_warm as warm

    computed = explorer_warm() > 0  # the quicker of the two, and the page more visitors open
    return warm() or computed
