"""WSGI entry point (gunicorn p2c.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "p2c.settings")
application = get_wsgi_application()
