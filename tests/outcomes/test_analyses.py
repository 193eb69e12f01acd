"""Every kind of analysis runs on the demo data through an AnalysisRun and recovers the planted truths."""

import json
from typing import Any

import pytest
from django.core.management import call_command

from demo.models import DemoDataset
from jobs.models import Job
from outcomes.analyses import AREA_METHOD_NAMES, AREA_METHODS, ParameterError, run_analysis
from outcomes.models import AnalysisRun
from outcomes.services import analysis_request


@pytest.fixture(scope="module")
def demo(shared_demo: DemoDataset) -> dict[str, Any]:
    """The effects planted in the shared demo."""
    return shared_demo.truths


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo", "eager_celery")]


@pytest.fixture
def analyse(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Request an analysis as the API and web pages do; the eager task runs when the analyse commits."""

    def run_it(kind: str, **parameters):  # type: ignore[no-untyped-def]
        with django_capture_on_commit_callbacks(execute=True):
            run = analysis_request(kind=kind, parameters=parameters)
        return finished(run)

    return run_it


def finished(run: AnalysisRun):  # type: ignore[no-untyped-def]
    run.refresh_from_db()
    assert run.succeeded, run.error
    assert run.job.state == Job.State.SUCCEEDED
    assert run.finished_at is not None
    json.dumps(run.result)  # stored results are plain JSON
    return run.result


def test_gap_to_kent_average_is_labelled_descriptive(demo, analyse) -> None:  # type: ignore[no-untyped-def]
    result = analyse("gap", period="2009")
    combined = next(r for r in result["rows"] if r["area"] == "targets combined")
    assert combined["value"] == pytest.approx(demo["bill_2009"], rel=1e-6)
    assert combined["value_at_reference_rate"] == pytest.approx(11e6, rel=0.02)
    assert combined["gap_total"] == pytest.approx(demo["bill_2009"] - 11e6, rel=0.02)
    assert "not an impact" in result["label"]


@pytest.mark.parametrize(("method", "tolerance"), [("sdid", 0.9), ("sc", 0.9)])
def test_area_impact_recovers_the_planted_effect(demo, analyse, method: str, tolerance: float) -> None:  # type: ignore[no-untyped-def]
    result = analyse("area-impact", measure="out_of_work_rate", method=method, placebos=60)
    truth = demo["area_effect_out_of_work_rate_combined"]
    assert result["estimate"] == pytest.approx(truth, abs=tolerance)
    for key in (
        "method",
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "p_value",
        "inference",
        "n_treated",
        "n_donors",
        "pre_rmspe",
        "weights",
        "warnings",
    ):
        assert key in result
    assert result["n_treated"] == 2
    assert result["n_donors"] == 250
    assert "cluster-robust errors are not valid" in result["inference"]
    assert sum(result["weights"].values()) == pytest.approx(1.0, abs=1e-6)


def test_callaway_santanna_reports_its_aggregations(analyse) -> None:  # type: ignore[no-untyped-def]
    result = analyse("area-impact", method="cs", treated="E05005088:2010-09,E05005093:2011-03", placebos=40)
    assert set(result["aggregations"]) >= {"simple", "group", "dynamic"}


def test_household_impact_recovers_the_planted_effect(demo, analyse) -> None:  # type: ignore[no-untyped-def]
    result = analyse("household-impact", outcome="dependent")
    assert result["estimate"] == pytest.approx(demo["household_effect_dependent"], abs=0.02)
    assert "CRV1" in result["inference"]


def test_household_event_study_headlines_the_imputation_estimator(analyse) -> None:  # type: ignore[no-untyped-def]
    result = analyse("household-impact", outcome="dependent", design="event-study")
    assert "Borusyak, Jaravel and Spiess" in result["inference"]
    assert result["twfe"]["coefficients"]
    assert result["ci_low"] < result["estimate"] < result["ci_high"]


def test_interrupted_time_series_uses_newey_west(analyse) -> None:  # type: ignore[no-untyped-def]
    result = analyse("its", measure="out_of_work_rate")
    assert "Newey-West" in result["inference"]
    assert result["estimate"] < 0


def test_matched_comparison_reports_balance(analyse) -> None:  # type: ignore[no-untyped-def]
    result = analyse("matched")
    assert result["estimate"] < 0
    assert result["balance"]
    assert result["outcome_month"] == "2012-09"
    assert "support began before 2012-09" in result["inference"]


def test_savings_carry_the_estimate_through_to_the_npv(analyse) -> None:  # type: ignore[no-untyped-def]
    result = analyse("savings", effect=-2.0, effect_se=0.5)
    lines = {line["line"]: line for line in result["lines"]}
    assert set(lines) == {"exchequer", "social", "cashable"}
    exchequer = lines["exchequer"]
    assert exchequer["npv_ci_low"] < exchequer["npv"] < exchequer["npv_ci_high"]
    assert "transfers" in result["note"]
    assert any("Out-of-work benefit" in c["name"] for c in result["unit_costs"])


def test_placements_and_housing_evidence(analyse) -> None:  # type: ignore[no-untyped-def]
    placements = analyse("placements")
    assert (
        placements["dependency"]["placed_dependency_rate"] > placements["dependency"]["other_dependency_rate"]
    )
    assert placements["compliance"]
    housing = analyse("housing")
    assert 0 < housing["into_category_1_homes"] < housing["total_housing_benefit"]


def test_bad_parameters_are_refused_with_the_parameter_named() -> None:
    with pytest.raises(ParameterError, match="method: expected one of did, event-study, sc, sdid, cs"):
        run_analysis("area-impact", {"method": "magic"})
    with pytest.raises(ParameterError, match="treated: no out_of_work_rate figures for E05999998"):
        run_analysis("area-impact", {"treated": "E05999998"})


def test_a_failed_run_records_why(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ParameterError), django_capture_on_commit_callbacks(execute=True):
        run = analysis_request(kind="area-impact", parameters={"method": "magic"})
    run = AnalysisRun.objects.get(kind="area-impact", parameters={"method": "magic"})
    run.refresh_from_db()
    assert run.failed
    assert "method: expected one of" in run.error
    assert run.job.state == Job.State.FAILED


def test_the_command_prints_json_for_scripts(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("analyse", "gap", "--json")
    result = json.loads(capsys.readouterr().out)
    assert result["period"] == "2009"


def test_every_area_method_has_the_name_the_pages_give_it() -> None:
    assert set(AREA_METHOD_NAMES) == set(AREA_METHODS)
