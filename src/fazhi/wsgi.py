import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 - import every view now, before the freeze below
# What the worker loaded (modules, models, URL patterns) lives as long as it does: frozen, the garbage collector's
# full passes no longer walk it, which cost a list page about 3 ms of CPU on average (bench/page_cpu.py).
gc.freeze()
