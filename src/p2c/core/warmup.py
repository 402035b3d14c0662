"""What a web process does once, before its first request: import every view, then set the
objects made so far aside from the garbage collector.

A web process holds some 120,000 long-lived objects once Django, the apps, the models and the URL
patterns are loaded. CPython's cyclic garbage collector walks every tracked object at each full
collection — one every few requests on the heavier pages, 60–100 ms each at that size — and that
pause lands on whichever request happens to trigger it: at the 95th percentile of the dashboard
and the explorer, it was the largest single cost. ``gc.freeze()`` moves the objects alive at start-up
into a permanent generation that collections skip; they are never garbage anyway. Objects made by
requests are collected as before.
"""

from __future__ import annotations

import gc


def process_warm_up() -> None:
    """Import every URL module and view (Django does it lazily, at the first request), collect, freeze."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - reading it imports the URLconf and every view
    gc.collect()
    gc.freeze()
