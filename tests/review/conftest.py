"""Review tests send emails at once (in-process) so they can be checked in ``mail.outbox``."""

from __future__ import annotations

from typing import Any

import pytest

from tests.accounts.helpers import send_emails_at_once


@pytest.fixture(autouse=True)
def _emails_at_once(settings: Any) -> None:
    send_emails_at_once(settings)
