"""An area-impact run that names the plan is held to it: the plan's wards, comparator pool less the
neighbouring wards, its windows, the spillover ring estimated apart, and the secondary outcomes with the
plan's multiple-testing adjustment."""

from datetime import date
from typing import Any

import numpy as np
import pytest

from outcomes.analyses import ParameterError, run_analysis
from outcomes.analysis.multiple import adjust
from outcomes.models import AnalysisPlan, AreaStatistic
from outcomes.services import analysis_plan_lock, analysis_plan_record
from taskforce.org.models import Area

pytestmark = pytest.mark.django_db

TREATED = ["E05005088", "E05005093"]
NEIGHBOUR = "E05900001"
OUTSIDE = "E05900002"  # a ward left out of the plan's comparator pool
DONORS = [f"E059000{n:02d}" for n in range(3, 15)]


def months(first: date, n: int) -> list[date]:
    return [
        date(first.year + (first.month - 1 + k) // 12, (first.month - 1 + k) % 12 + 1, 1) for k in range(n)
    ]


@pytest.fixture
def panel() -> None:
    """Twelve donor wards, a neighbour, a ward outside the pool and the two target wards, 2008-2011 monthly,
    on a headline and two secondary measures; the target wards fall by 2 points from 2010-01."""
    thanet = Area.objects.get(gss_code="E07000114")
    for code in [NEIGHBOUR, OUTSIDE, *DONORS]:
        Area.objects.create(
            gss_code=code, vintage=2003, name=f"Ward {code}", type=Area.Type.WARD, parent=thanet
        )
    rng = np.random.default_rng(3)
    rows = []
    for measure, shift in (("out_of_work_rate", -2.0), ("secondary_a", -2.0), ("secondary_b", 0.0)):
        for code in [*TREATED, NEIGHBOUR, OUTSIDE, *DONORS]:
            level = rng.normal(10, 1)
            for month in months(date(2008, 1, 1), 48):
                effect = shift if code in TREATED and month >= date(2010, 1, 1) else 0.0
                rows.append(
                    AreaStatistic(
                        area=Area.objects.get(gss_code=code),
                        frequency=AreaStatistic.Frequency.MONTH,
                        period_start=month,
                        measure=measure,
                        value=level + effect + rng.normal(0, 0.2),
                        source="test",
                    )
                )
    AreaStatistic.objects.bulk_create(rows)


def locked_plan(**overrides: Any) -> AnalysisPlan:
    fields: dict[str, Any] = {
        "title": "Held to the plan",
        "treated": dict.fromkeys(TREATED, "2010-01"),
        "method": AnalysisPlan.Method.DID,
        "comparator_pool": [NEIGHBOUR, *DONORS],
        "neighbours": [NEIGHBOUR],
        "neighbours_policy": AnalysisPlan.Neighbours.SPILLOVER_RING,
        "pre_start": "2008-07",
        "post_start": "2010-01",
        "post_end": "2011-06",
        "secondary_outcomes": ["secondary_a", "secondary_b", "no_such_measure"],
        "multiple_testing": AnalysisPlan.MultipleTesting.HOLM,
        **overrides,
    }
    return analysis_plan_lock(plan=analysis_plan_record(**fields))


@pytest.mark.usefixtures("panel")
def test_the_plans_pool_windows_and_wards_are_what_the_run_uses() -> None:
    plan = locked_plan()
    result = run_analysis("area-impact", {"plan": plan.pk, "placebos": 30})
    sample = result["sample"]
    assert set(sample["treated"]) == set(TREATED)
    assert sorted(sample["donors"]) == DONORS  # neither the neighbour nor the ward outside the pool
    assert (sample["first_period"], sample["last_period"]) == ("2008-07", "2011-06")
    applied = result["plan_applied"]
    assert applied["plan"] == plan.pk
    assert applied["sha256"] == plan.sha256
    assert applied["spillover_ring"] == [NEIGHBOUR]
    assert applied["periods_used"] == 36
    assert result["method"] == "did"
    assert -2.5 < result["estimate"] < -1.5


@pytest.mark.usefixtures("panel")
def test_the_spillover_ring_is_estimated_apart_and_an_excluded_one_is_not() -> None:
    ring = run_analysis("area-impact", {"plan": locked_plan().pk, "placebos": 30, "secondary": False})
    assert ring["spillover"]["wards"] == [NEIGHBOUR]
    assert abs(ring["spillover"]["estimate"]) < 0.5  # nothing planted next door
    excluded = locked_plan(neighbours_policy=AnalysisPlan.Neighbours.EXCLUDE)
    result = run_analysis("area-impact", {"plan": excluded.pk, "placebos": 30, "secondary": False})
    assert "spillover" not in result
    assert NEIGHBOUR not in result["sample"]["donors"]


@pytest.mark.usefixtures("panel")
def test_secondary_outcomes_carry_p_values_adjusted_by_the_plans_rule() -> None:
    for rule in ("holm", "bh"):
        plan = locked_plan(multiple_testing=rule)
        secondary = run_analysis("area-impact", {"plan": plan.pk, "placebos": 30})["secondary"]
        rows = {row["measure"]: row for row in secondary["rows"]}
        assert secondary["rule"] == rule
        assert secondary["family"] == 2  # the measure with no figures is not counted
        assert "no monthly figures" in rows["no_such_measure"]["error"]
        assert rows["no_such_measure"]["p_adjusted"] is None
        expected = adjust([rows["secondary_a"]["p_value"], rows["secondary_b"]["p_value"]], rule)
        assert [rows["secondary_a"]["p_adjusted"], rows["secondary_b"]["p_adjusted"]] == [
            e[0] for e in expected if e is not None
        ]
        assert rows["secondary_a"]["p_adjusted"] >= rows["secondary_a"]["p_value"]
        assert rows["secondary_a"]["estimate"] < -1.5


@pytest.mark.usefixtures("panel")
def test_a_request_that_overrides_the_plans_design_is_refused() -> None:
    plan = locked_plan()
    with pytest.raises(ParameterError, match="donors given in the request overrides the plan"):
        run_analysis("area-impact", {"plan": plan.pk, "donors": ",".join(DONORS[:4])})
    with pytest.raises(ParameterError, match="no locked analysis plan #999"):
        run_analysis("area-impact", {"plan": 999})
