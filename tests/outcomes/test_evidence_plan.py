"""The pack opens with the locked plan, every deviation with its reason, the secondary outcomes with their
adjusted p-values, and the headline beside every other method's estimate."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jobs.models import Job
from outcomes import evidence
from outcomes.evidence.plan import plan_section
from outcomes.models import AnalysisPlan, AnalysisRun
from outcomes.services import analysis_request, plan_deviation_record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_demo")]


def stored_run(*, age_minutes: int, result: dict[str, Any], **parameters: Any) -> AnalysisRun:
    run = analysis_request(kind="area-impact", parameters=parameters, enqueue=False)
    when = timezone.now() - timedelta(minutes=age_minutes)
    Job.objects.filter(pk=run.job_id).update(state=Job.State.SUCCEEDED, started_at=when, finished_at=when)
    AnalysisRun.objects.filter(pk=run.pk).update(result={"warnings": [], **result})
    run.refresh_from_db()
    return run


def area(method: str, estimate: float, low: float, high: float, p: float, **extra: Any) -> dict[str, Any]:
    return {
        "method": method,
        "estimate": estimate,
        "ci_low": low,
        "ci_high": high,
        "p_value": p,
        "se": 0.4,
        **extra,
    }


@pytest.fixture
def runs() -> dict[str, AnalysisRun]:
    plan = AnalysisPlan.objects.get()
    secondary = {
        "rule": "holm",
        "rows": [
            {
                "measure": "out_of_work_claimants",
                **area("sdid", -41.25, -60.5, -20.75, 0.01),
                "p_adjusted": 0.02,
                "reject": True,
            },
            {
                "measure": "benefit_spend",
                "error": "no monthly figures for benefit_spend",
                "p_value": None,
                "p_adjusted": None,
            },
        ],
    }
    return {
        "sdid": stored_run(
            age_minutes=30,
            result=area(
                "sdid", -2.8512, -3.9, -1.8, 0.004, plan_applied={"plan": plan.pk}, secondary=secondary
            ),
            method="sdid",
            plan=plan.pk,
        ),
        "did": stored_run(age_minutes=20, result=area("did", -3.9123, -5.1, -2.7, 0.002), method="did"),
        "other-measure": stored_run(
            age_minutes=10, result=area("sc", 12.0, 1.0, 20.0, 0.2), method="sc", measure="prison_population"
        ),
    }


def test_the_plan_is_shown_with_its_hash_lock_and_design() -> None:
    plan = AnalysisPlan.objects.get()
    section = plan_section()
    facts = dict(section.facts)
    assert facts["Method"] == "Synthetic difference-in-differences"
    assert facts["Headline outcome"] == "Out-of-work rate, in percentage points"
    assert facts["SHA-256 of the plan"] == plan.sha256
    assert facts["Hash check"] == "the plan matches the hash it was locked with"
    assert facts["Windows"] == "before: January 2006 to the start; after: September 2010 to December 2015"
    assert "Holm" in facts["Secondary outcomes"]
    assert "claimants" in facts["Secondary outcomes"]
    assert re.fullmatch(
        r"\d+\.\d\d percentage points at 80% power and 5% significance .*", facts["Minimum detectable effect"]
    )
    assert facts["Locked"].endswith("UTC")
    assert "Margate Central" in facts["Treated wards"]
    assert "No deviation from the plan has been recorded." in section.notes


def test_every_deviation_is_shown_with_its_reason(runs: dict[str, AnalysisRun]) -> None:
    plan = AnalysisPlan.objects.get()
    plan_deviation_record(
        plan=plan, departure="appraised the DiD run", reason="SDID failed its fit", run=runs["did"]
    )
    section = {s.slug: s for s in evidence.evidence_pack().sections}["plan"]
    table = next(t for t in section.tables if t.slug == "plan-deviations")
    assert [row[1:] for row in table.display_rows()] == [
        ["appraised the DiD run", "SDID failed its fit", str(runs["did"].pk)]
    ]


def test_the_headline_stands_beside_every_other_method_of_the_same_outcome(
    runs: dict[str, AnalysisRun],
) -> None:
    section = plan_section()
    table = next(t for t in section.tables if t.slug == "model-uncertainty")
    rows = table.display_rows()
    assert [row[0] for row in rows] == [
        "Synthetic difference-in-differences (the plan's headline)",
        "Difference-in-differences",
    ]  # the run on another measure is not among them
    assert rows[0][1:] == ["-2.85", "-3.90", "-1.80", "0.004", "0.00", "yes", str(runs["sdid"].pk)]
    assert rows[1][1:6] == ["-3.91", "-5.10", "-2.70", "0.002", "-1.06"]
    assert rows[1][6] == "no"
    secondary = next(t for t in section.tables if t.slug == "plan-secondary").display_rows()
    assert secondary[0] == [
        "Claimants",
        "-41.25",
        "-60.50",
        "-20.75",
        "0.010",
        "0.020",
        "significant after adjustment",
    ]
    assert secondary[1][0] == "Benefit spend"
    assert secondary[1][-1].startswith("could not be estimated")
    for row in rows + secondary:
        assert not any(re.search(r"\d\.\d{4,}", cell) for cell in row)


def test_the_plan_section_reads_without_code_names(
    runs: dict[str, AnalysisRun], policy_lead, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.TASKFORCE_REQUIRE_2FA = False
    client = Client()
    client.force_login(policy_lead.user)
    page = client.get(reverse("outcomes:evidence")).content.decode()
    section = page[page.index('id="plan"') : page.index('id="gap"')]
    text = re.sub(r"<[^>]+>", " ", section)
    assert "Model uncertainty" in text
    for code in (
        "sdid",
        "out_of_work",
        "prison_population",
        "spillover-ring",
        "fdr_bh",
        "plan_applied",
        "True",
    ):
        assert code not in text, code
    assert not re.findall(r"\d\.\d{4,}", text)
