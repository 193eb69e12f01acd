from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    """The caseworker's workspace: a household's page with its sections, timeline and change history, which
    read households, interventions and benefit records."""

    name = "casework"
    verbose_name = "Case work"
