from django.apps import AppConfig


class TaskforceConfig(AppConfig):
    name = "taskforce"
    verbose_name = "Task force organisation"

    def ready(self) -> None:
        from simple_history.signals import pre_create_historical_record

        from .audit import reason_from_route

        pre_create_historical_record.connect(reason_from_route, dispatch_uid="taskforce_reason_from_route")
