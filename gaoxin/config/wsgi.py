"""WSGI entry point (gunicorn gaoxin.config.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gaoxin.config.settings.production")
application = get_wsgi_application()
