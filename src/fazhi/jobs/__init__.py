"""The task queue: background and scheduled work on django-tasks' database backend, its worker and its schedule."""
