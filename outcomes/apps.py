from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = "Outcomes and evidence"

    def ready(self) -> None:
        from jobs.registry import register

        from .services import may_follow_analysis, run_analysis_job, run_evidence_pack_job

        register("analysis", run_analysis_job, may_follow=may_follow_analysis)
        register("evidence-pack", run_evidence_pack_job, may_follow=may_follow_analysis)
