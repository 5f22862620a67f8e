"""WSGI entry point for gunicorn: ``gunicorn safeplan.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeplan.settings")
application = get_wsgi_application()
