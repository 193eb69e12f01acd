from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = "Bulk imports"

    def ready(self) -> None:
        from jobs.registry import register

        from .services import may_follow_import, run_import_job

        register("import", run_import_job, may_follow=may_follow_import)
