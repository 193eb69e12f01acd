from django.apps import AppConfig


class JobsConfig(AppConfig):
    """Long work: a Job row, its progress, the one Celery task that runs it and the one status endpoint."""

    name = "jobs"
    verbose_name = "Jobs"
