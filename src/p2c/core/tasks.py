"""Background tasks shared by every app. Tasks are thin: they take plain values and call a service."""

from __future__ import annotations

import datetime as dt
import logging

from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)

EMAIL_MAX_ATTEMPTS = 5


@task(queue_name="email")
def email_send(*, subject: str, to: list[str], text: str, html: str = "", attempt: int = 1) -> int:
    """Send one email through Django's mail API; on failure, try again later with a growing delay."""
    message = EmailMultiAlternatives(subject=subject, body=text, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    try:
        return message.send()
    except Exception:
        if attempt >= EMAIL_MAX_ATTEMPTS:
            logger.exception("Giving up on email %r to %s after %d attempts", subject, to, attempt)
            raise
        delay = dt.timedelta(seconds=30 * 2 ** (attempt - 1))
        logger.warning("Email %r to %s failed (attempt %d); retrying in %s", subject, to, attempt, delay)
        email_send.using(run_after=timezone.now() + delay).enqueue(
            subject=subject, to=to, text=text, html=html, attempt=attempt + 1
        )
        return 0
