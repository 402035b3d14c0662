"""Ids gathered while a transaction runs and handled once, together, when it commits."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

from django.db import transaction


class CommitBatch:
    """Collects ids per thread; on commit, calls ``handle`` once with all of them.

    For changes that touch many rows at a time (a cascade, a bulk import): the derived data is
    rebuilt once per transaction, and rows deleted in the same transaction cost nothing.
    """

    def __init__(self, handle: Callable[[set[int]], object]) -> None:
        self._handle = handle
        self._local = threading.local()

    def add(self, ids: Iterable[int]) -> None:
        """Remember ``ids`` and handle them when the current transaction commits."""
        pending: set[int] = getattr(self._local, "ids", set())
        pending.update(ids)
        self._local.ids = pending
        transaction.on_commit(self._flush)  # also after a rollback dropped an earlier registration

    def _flush(self) -> None:
        ids: set[int] = getattr(self._local, "ids", set())
        self._local.ids = set()
        if ids:
            self._handle(ids)
