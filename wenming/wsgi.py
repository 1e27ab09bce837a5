"""WSGI entry point for gunicorn and the development server."""

import gc
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenming.settings")
django.setup(set_prefix=False)

from wenming.core.handlers import WenmingApplication  # noqa: E402  (needs the settings)

application = WenmingApplication()

# Django, the apps and their modules are loaded now and live as long as the process: keep
# them out of the cyclic collector's full passes, which otherwise walk every one of those
# objects (tens of milliseconds each) while a request waits. Forked workers share them.
gc.freeze()
