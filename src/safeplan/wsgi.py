"""WSGI entry point for gunicorn: ``gunicorn safeplan.wsgi``.

Refuses to load in production while anything in ``accounts.startup`` forbids
it (demo accounts that can sign in), whichever server loads it.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeplan.settings")
application = get_wsgi_application()

from safeplan.accounts.startup import startup_check  # noqa: E402 (needs Django set up)

startup_check()
