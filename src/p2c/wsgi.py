"""WSGI entry point (gunicorn p2c.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "p2c.settings")
application = get_wsgi_application()

from p2c.core.warmup import process_warm_up  # noqa: E402 - needs the apps loaded above

process_warm_up()
