from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = "Outcomes and evidence"

    def ready(self) -> None:
        from jobs.registry import on_success, register

        from .dashboards.warm import run_dashboards_warm_job, warm_after
        from .services import may_follow_analysis, run_analysis_job, run_evidence_pack_job

        register("analysis", run_analysis_job, may_follow=may_follow_analysis)
        register("evidence-pack", run_evidence_pack_job, may_follow=may_follow_analysis)
        register("dashboards-warm", run_dashboards_warm_job)
        # Imports and demo loads change what the dashboards show: recompute them before anyone asks.
        on_success("import", warm_after)
        on_success("load_demo", warm_after)
