"""The analysis plan: recorded as a draft, locked with a timestamp and a hash, never edited once locked, and
departed from only on the record."""

import hashlib
import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from demo.models import DemoDataset
from outcomes.models import AnalysisPlan
from outcomes.plans import current_plan, plan_report
from outcomes.services import PlanLocked, analysis_plan_lock, analysis_plan_record, plan_deviation_record

pytestmark = pytest.mark.django_db

PLAN: dict[str, Any] = {
    "title": "Impact on the out-of-work rate",
    "treated": {"E05005088": "2010-09", "E05005093": "2010-09"},
    "pre_start": "2006-01",
    "post_start": "2010-09",
    "post_end": "2015-12",
    "neighbours": ["E05005089"],
    "neighbours_policy": AnalysisPlan.Neighbours.SPILLOVER_RING,
    "secondary_outcomes": ["out_of_work_claimants"],
    "multiple_testing": AnalysisPlan.MultipleTesting.BH,
    "mde": 1.25,
}


def test_locking_stamps_the_time_and_the_hash_of_the_canonical_json() -> None:
    plan = analysis_plan_lock(plan=analysis_plan_record(**PLAN))
    assert plan.locked_at is not None
    canonical = json.dumps(plan.content(), sort_keys=True, separators=(",", ":"))
    assert plan.sha256 == hashlib.sha256(canonical.encode()).hexdigest()
    assert plan.intact
    assert json.loads(canonical)["neighbours_policy"] == "spillover-ring"
    assert current_plan() == plan


def test_a_draft_can_be_revised_but_a_locked_plan_cannot() -> None:
    draft = analysis_plan_record(**PLAN)
    revised = analysis_plan_record(**{**PLAN, "method": AnalysisPlan.Method.SC}, plan=draft)
    assert revised.pk == draft.pk
    assert revised.method == "sc"
    analysis_plan_lock(plan=revised)
    with pytest.raises(PlanLocked, match="cannot change; record a deviation"):
        analysis_plan_record(**PLAN, plan=revised)
    with pytest.raises(PlanLocked, match="already locked"):
        analysis_plan_lock(plan=revised)
    revised.refresh_from_db()
    assert revised.method == "sc"
    assert revised.intact


def test_an_edit_behind_the_services_back_breaks_the_hash() -> None:
    plan = analysis_plan_lock(plan=analysis_plan_record(**PLAN))
    AnalysisPlan.objects.filter(pk=plan.pk).update(method=AnalysisPlan.Method.CS)
    plan.refresh_from_db()
    assert not plan.intact
    assert plan_report(plan)["intact"] is False


def test_the_database_refuses_a_lock_without_its_hash() -> None:
    plan = analysis_plan_record(**PLAN)
    with pytest.raises(IntegrityError), transaction.atomic():
        AnalysisPlan.objects.filter(pk=plan.pk).update(locked_at=timezone.now())


def test_only_locked_plans_are_current() -> None:
    analysis_plan_record(**PLAN)
    assert current_plan() is None


def test_a_deviation_needs_a_locked_plan_and_a_reason_and_is_reported() -> None:
    draft = analysis_plan_record(**PLAN)
    with pytest.raises(ValueError, match="draft plan"):
        plan_deviation_record(plan=draft, departure="method sc", reason="fit")
    plan = analysis_plan_lock(plan=draft)
    with pytest.raises(ValidationError, match="reason"):
        plan_deviation_record(plan=plan, departure="method sc", reason="  ")
    plan_deviation_record(plan=plan, departure="method sc", reason="SDID weights failed to converge")
    report = plan_report(plan)
    assert [d["reason"] for d in report["deviations"]] == ["SDID weights failed to converge"]
    assert report["sha256"] == plan.sha256


def test_windows_must_be_months_in_order() -> None:
    with pytest.raises(ValidationError, match="YYYY-MM"):
        analysis_plan_record(**{**PLAN, "post_end": "2015"})
    with pytest.raises(ValidationError, match="pre_start < post_start"):
        analysis_plan_record(**{**PLAN, "pre_start": "2011-01"})


def test_the_demo_ships_a_locked_sdid_plan_on_the_out_of_work_rate(shared_demo: DemoDataset) -> None:
    plan = current_plan()
    assert plan is not None
    assert plan.intact
    assert (plan.headline_measure, plan.headline_unit, plan.method) == (
        "out_of_work_rate",
        "percentage points",
        "sdid",
    )
    assert plan.mde is not None
    assert plan.mde > 0
    assert "McKenzie" in plan.mde_basis["formula"]
