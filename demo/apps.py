from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data set, its loader and the demo accounts. Nothing imports it; leave it out of
    INSTALLED_APPS and the site has no demo."""

    name = "demo"
    verbose_name = "Demo data"

    def ready(self) -> None:
        from jobs.registry import register

        from .jobs import run_load_demo

        register("load_demo", run_load_demo)
