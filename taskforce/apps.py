from django.apps import AppConfig


class ShellConfig(AppConfig):
    """The project shell on top of every app: settings, URLs, the Celery app, home page and navigation."""

    name = "taskforce"
    label = "shell"
    verbose_name = "Margate Task Force"
