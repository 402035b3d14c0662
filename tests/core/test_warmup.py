"""A web process imports its views and sets its start-up objects aside from the garbage collector."""

from __future__ import annotations

import gc
import sys

from p2c.core.warmup import process_warm_up


def test_the_warm_up_imports_the_views_and_freezes_what_exists() -> None:
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        process_warm_up()
        assert "p2c.dashboard.views" in sys.modules
        assert "p2c.pledges.views.explorer" in sys.modules
        assert gc.get_freeze_count() > 10_000  # Django, the apps, the models, the URL patterns
    finally:
        gc.unfreeze()
