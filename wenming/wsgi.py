"""WSGI entry point for gunicorn and the development server."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenming.settings")
application = get_wsgi_application()

# Django, the apps and their modules are loaded now and live as long as the process: keep
# them out of the cyclic collector's full passes, which otherwise walk every one of those
# objects (tens of milliseconds each) while a request waits. Forked workers share them.
gc.freeze()
