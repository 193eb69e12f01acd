"""`analyse savings` appraises the locked plan's headline run, names it, and refuses a run that does not fit
the plan unless a deviation is recorded with its reason."""

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from jobs.models import Job
from outcomes.analyses import ParameterError, run_analysis
from outcomes.models import AnalysisPlan, AnalysisRun, PlanDeviation
from outcomes.prices import rebase
from outcomes.services import analysis_request

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_demo")]


def stored_run(*, age_minutes: int, result: dict[str, Any], **parameters: Any) -> AnalysisRun:
    """An area-impact run as if it had finished `age_minutes` ago with `result`: the appraisal reads only what
    is stored, so the estimator need not run."""
    run = analysis_request(kind="area-impact", parameters=parameters, enqueue=False)
    when = timezone.now() - timedelta(minutes=age_minutes)
    Job.objects.filter(pk=run.job_id).update(state=Job.State.SUCCEEDED, started_at=when, finished_at=when)
    AnalysisRun.objects.filter(pk=run.pk).update(result={"warnings": [], **result})
    run.refresh_from_db()
    return run


def estimate(method: str, value: float, **extra: Any) -> dict[str, Any]:
    return {
        "method": method,
        "estimate": value,
        "se": 0.4,
        "ci_low": value - 0.8,
        "ci_high": value + 0.8,
        "p_value": 0.04,
        "inference": "placebo",
        **extra,
    }


@pytest.fixture
def runs() -> dict[str, AnalysisRun]:
    """The plan's headline run, then a later Callaway-Sant'Anna run and a later run on a prison-population
    count: only the first is the plan's."""
    return {
        "sdid": stored_run(age_minutes=30, result=estimate("sdid", -1.5), method="sdid"),
        "cs": stored_run(age_minutes=20, result=estimate("cs", -3.0), method="cs"),
        "prisoners": stored_run(
            age_minutes=10, result=estimate("sdid", 29_780.0), method="sdid", measure="prison_population"
        ),
    }


def test_savings_builds_on_the_plans_headline_run_and_names_it(runs: dict[str, AnalysisRun]) -> None:
    result = run_analysis("savings", {})
    assert result["effect_basis"]["analysis_run"] == runs["sdid"].pk
    assert result["effect_basis"]["method"] == "sdid"
    assert result["effect"] == -1.5
    assert result["effect_interval"] == pytest.approx([-2.3, -0.7])  # the run's own interval is priced
    plan = AnalysisPlan.objects.get()
    assert result["plan"]["id"] == plan.pk
    assert result["plan"]["sha256"] == plan.sha256
    assert result["plan"]["deviations"] == []
    # Neither deadweight nor a cut to benefits for optimism bias belongs in this appraisal's sensitivity table.
    assert {"deadweight", "optimism_bias"}.isdisjoint(row["parameter"] for row in result["sensitivity"])


def test_a_run_on_another_measure_is_refused_even_with_a_reason(runs: dict[str, AnalysisRun]) -> None:
    with pytest.raises(ParameterError, match="estimates prison_population, not the plan's headline"):
        run_analysis("savings", {"run": runs["prisoners"].pk, "override_reason": "asked for it"})
    assert not PlanDeviation.objects.exists()


def test_a_method_the_plan_did_not_choose_is_refused(runs: dict[str, AnalysisRun]) -> None:
    with pytest.raises(ParameterError, match="uses method cs; the plan chose sdid"):
        run_analysis("savings", {"run": runs["cs"].pk})


def test_an_override_reason_records_a_deviation_that_the_appraisal_reports(
    runs: dict[str, AnalysisRun],
) -> None:
    result = run_analysis("savings", {"run": runs["cs"].pk, "override_reason": "staggered starts"})
    deviation = PlanDeviation.objects.get()
    assert deviation.run == runs["cs"]
    assert deviation.reason == "staggered starts"
    assert result["effect_basis"]["analysis_run"] == runs["cs"].pk
    assert [d["reason"] for d in result["plan"]["deviations"]] == ["staggered starts"]


def test_a_run_whose_diagnostics_failed_is_refused(runs: dict[str, AnalysisRun]) -> None:
    failed = stored_run(
        age_minutes=5,
        result=estimate("sdid", -2.0, pretrend={"p_value": 0.001}),
        method="sdid",
    )
    with pytest.raises(ParameterError, match=r"pre-trend test rejects at 0.05 \(p = 0.001\)"):
        run_analysis("savings", {})
    result = run_analysis("savings", {"override_reason": "pre-trend driven by one month of recoding"})
    assert result["effect_basis"]["analysis_run"] == failed.pk
    assert PlanDeviation.objects.get().run == failed


def test_savings_without_a_locked_plan_is_refused() -> None:
    AnalysisPlan.objects.all().delete()
    with pytest.raises(ParameterError, match="no locked analysis plan"):
        run_analysis("savings", {})


def test_savings_without_a_headline_run_says_which_run_to_make() -> None:
    with pytest.raises(ParameterError, match="analyse area-impact --measure out_of_work_rate --method sdid"):
        run_analysis("savings", {})


def test_json_output_carries_its_own_run_and_the_run_it_builds_on(
    runs: dict[str, AnalysisRun], capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("analyse", "savings", "--json", "--run", str(runs["sdid"].pk))
    result = json.loads(capsys.readouterr().out)
    saved = AnalysisRun.objects.filter(kind="savings").get()
    assert result["run"] == saved.pk
    assert result["effect_basis"]["analysis_run"] == runs["sdid"].pk


def test_the_readable_summary_names_the_run_and_the_plan(
    runs: dict[str, AnalysisRun], capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("analyse", "savings", "--run", str(runs["cs"].pk), "--override-reason", "staggered starts")
    out = capsys.readouterr().out
    assert f"effect from area-impact run #{runs['cs'].pk}: out_of_work_rate by cs" in out
    assert "plan #" in out
    assert "sha256" in out
    assert (
        f"deviation: run #{runs['cs'].pk} uses method cs; the plan chose sdid (reason: staggered starts)"
        in out
    )


def test_the_appraisal_sets_costs_against_social_value_by_payer(runs: dict[str, AnalysisRun]) -> None:
    appraisal = run_analysis("savings", {"draws": 200})["appraisal"]
    assert {"npsv", "bcr", "switching_effect", "npsv_interval", "payback_year"} <= set(appraisal)
    costs = {c["name"] for c in appraisal["costs"]}
    assert "Task force staff (council, local)" in costs
    assert any(name.startswith("Interventions recorded in") for name in costs)
    benefits = {b["name"]: b for b in appraisal["benefits"]}
    dwp_admin = benefits["DWP administration of an out-of-work benefit claim avoided"]
    assert (dwp_admin["level"], dwp_admin["kind"]) == ("central", "social value")
    council = benefits["Council administration of a housing benefit claim avoided"]
    assert (council["payer"], council["level"]) == ("council", "local")
    transfers = [b for b in appraisal["benefits"] if b["kind"] == "transfer"]
    assert [b["payer"] for b in transfers] == ["DWP"]
    assert appraisal["pv_social_benefits"] == pytest.approx(
        sum(b["pv"] for b in appraisal["benefits"] if b["kind"] == "social value")
    )
    assert appraisal["npsv"] == pytest.approx(appraisal["pv_social_benefits"] - appraisal["pv_costs"])
    # The later Callaway-Sant'Anna run of the same outcome widens the interval as a second method.
    assert appraisal["other_runs"] == [runs["cs"].pk]
    low, high = appraisal["npsv_interval"]
    assert low < appraisal["npsv"] < high


def test_deadweight_on_the_counterfactual_estimate_is_refused(runs: dict[str, AnalysisRun]) -> None:
    with pytest.raises(ParameterError, match="counts it twice"):
        run_analysis("savings", {"additionality": {"deadweight": 0.3}})


def test_costs_are_rebased_to_one_price_year_which_is_stated(runs: dict[str, AnalysisRun]) -> None:
    """The demo's unit costs are in 2009 prices and its programme costs in 2010's; the plan starts in 2010,
    so everything is put in 2010 prices by the GDP deflator."""
    result = run_analysis("savings", {})
    assert result["assumptions"]["price_base_year"] == 2010
    assert "YBGB" in result["assumptions"]["deflator_source"]
    assert {c["price_year"] for c in result["unit_costs"]} == {2010}
    staff = next(
        c for c in result["appraisal"]["costs"] if c["name"].startswith("Task force staff") and c["year"] == 0
    )
    assert staff["amount"] == pytest.approx(rebase(320_000.0, from_year=2010, to_year=2010))
    in_2012 = run_analysis("savings", {"price_base_year": 2012})
    staff_2012 = next(
        c for c in in_2012["appraisal"]["costs"] if c["name"] == staff["name"] and c["year"] == 0
    )
    assert staff_2012["amount"] == pytest.approx(320_000.0 * 71.9294 / 69.1217)
    with pytest.raises(ParameterError, match="price_base_year: no GDP deflator for 1990"):
        run_analysis("savings", {"price_base_year": 1990})


def test_a_method_with_no_bounded_interval_is_left_out_of_the_spread_with_a_warning(
    runs: dict[str, AnalysisRun],
) -> None:
    empty = stored_run(age_minutes=5, result=estimate("sc", -3.2, ci_low=None, ci_high=None), method="sc")
    result = run_analysis("savings", {})
    assert result["appraisal"]["other_runs"] == [runs["cs"].pk]
    assert any(f"run #{empty.pk} (sc) reported no bounded 95% interval" in w for w in result["warnings"])
