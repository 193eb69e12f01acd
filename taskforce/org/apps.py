from django.apps import AppConfig


class OrgConfig(AppConfig):
    """The floor every other app stands on: areas, agencies, staff, scoping, audit, validators, forms.

    Its label stays "taskforce", the label its tables and migrations were made under.
    """

    name = "taskforce.org"
    label = "taskforce"
    verbose_name = "Task force organisation"

    def ready(self) -> None:
        from simple_history.signals import pre_create_historical_record

        from .audit import reason_from_route

        pre_create_historical_record.connect(reason_from_route, dispatch_uid="taskforce_reason_from_route")
