"""The demo data set: deterministic, calibrated to the source papers, idempotent, and consistent."""

from datetime import date

import numpy as np
import pandas as pd
import pytest
from django.core.management import call_command
from django.db.models import Sum

from demo.generate import generate
from demo.generate.world import TARGET_WARDS
from demo.load import DemoRefused, load_demo
from demo.models import DemoDataset
from households.models import Household, Membership, Person, Placement, Residence
from outcomes.models import AreaStatistic, BenefitRecord


@pytest.fixture(scope="module")
def full_demo():  # type: ignore[no-untyped-def]
    return generate(seed=2010, households=6000)


def test_same_seed_gives_the_same_world() -> None:
    a, b = generate(seed=5, households=200), generate(seed=5, households=200)
    for name, table in a.tables.items():
        pd.testing.assert_frame_equal(table, b.tables[name], obj=name)
    assert a.truths == b.truths


def test_another_seed_gives_another_world() -> None:
    a, b = generate(seed=5, households=200), generate(seed=6, households=200)
    assert not a.tables["benefits"].equals(b.tables["benefits"])


def test_bill_and_gap_match_the_source_papers(full_demo) -> None:  # type: ignore[no-untyped-def]
    stats = full_demo.tables["statistics"]
    spend = stats[(stats.measure == "benefit_spend") & (stats.frequency == "year") & (stats["index"] == 3)]
    pop = stats[(stats.measure == "population") & (stats.frequency == "year") & (stats["index"] == 3)]
    bill = spend[spend.code.isin(TARGET_WARDS)].value.sum()
    ward_pop = pop[pop.code.isin(TARGET_WARDS)].value.sum()
    kent_per_head = spend[spend.code == "E10000016"].value.item() / pop[pop.code == "E10000016"].value.item()
    at_kent_rates = ward_pop * kent_per_head
    assert bill == pytest.approx(48e6, rel=0.02)
    assert at_kent_rates == pytest.approx(11e6, rel=0.02)
    assert bill - at_kent_rates == pytest.approx(37e6, rel=0.02)
    # The statistic is the sum of the records themselves.
    benefits = full_demo.tables["benefits"]
    assert benefits[benefits.month // 12 == 3].amount.sum() == pytest.approx(bill, abs=1.0)


def test_shape_of_the_wards(full_demo) -> None:  # type: ignore[no-untyped-def]
    households = full_demo.tables["households"]
    present_2010 = households[
        (households.opened_on <= date(2010, 6, 30))
        & (households.closed_on.isna() | (households.closed_on >= date(2010, 6, 30)))
    ]
    assert len(present_2010) == pytest.approx(6000, rel=0.05)
    assert (present_2010.tenure == "private").mean() == pytest.approx(0.40, abs=0.04)
    assert households.placed.mean() == pytest.approx(0.15, abs=0.03)
    moves = full_demo.tables["residences"].groupby("household").size() - 1
    assert moves[households.tenure == "private"].mean() > 3 * moves[households.tenure == "owner"].mean()
    assert full_demo.tables["findings"].query("score >= 1000 and status == 'open'").shape[0] > 50
    assert full_demo.tables["interventions"].started_on.min() >= date(2010, 9, 1)
    assert len(full_demo.tables["statistics"].code.unique()) == 2 + 1 + 250


def test_planted_truths_are_stored_and_sensible(full_demo) -> None:  # type: ignore[no-untyped-def]
    truths = full_demo.truths
    assert truths["start"] == "2010-09"
    assert -0.10 <= truths["household_effect_dependent"] < -0.08
    assert truths["household_effect_benefit_monthly"] < 0
    for ward in TARGET_WARDS:
        assert -4 < truths["area_effect_out_of_work_rate"][ward] < -1.5
    placements = full_demo.tables["placements"]
    late_or_missing = placements[placements.type.isin(["ta-s188", "ta-s193", "prso"])]
    assert late_or_missing.notification_received_on.isna().mean() == pytest.approx(0.15, abs=0.05)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_loading_writes_exactly_the_generated_world_once() -> None:
    data = generate(seed=11, households=60)
    result = load_demo(seed=11, households=60)
    assert result.created
    assert Household.objects.count() == len(data.tables["households"])
    assert Person.objects.count() == Membership.objects.count() == len(data.tables["people"])
    assert Residence.objects.count() == len(data.tables["residences"])
    assert Placement.objects.count() == len(data.tables["placements"])
    assert BenefitRecord.objects.count() == len(data.tables["benefits"])
    assert AreaStatistic.objects.count() == len(data.tables["statistics"])
    assert DemoDataset.objects.get(seed=11).truths == data.truths
    # The stored 2009 ward spend equals the records behind it.
    in_db = BenefitRecord.objects.filter(month__year=2009).aggregate(total=Sum("amount"))["total"]
    stored = AreaStatistic.objects.filter(
        measure="benefit_spend", period_start=date(2009, 1, 1), area__gss_code__in=TARGET_WARDS
    ).aggregate(total=Sum("value"))["total"]
    assert float(in_db) == pytest.approx(stored, abs=0.5)
    # Rows written in bulk still satisfy model validation.
    for model in (Household, Person, Residence, Placement):
        for row in model.objects.order_by("?")[:20]:
            row.full_clean()

    # The generator keeps every referral to its household's data-sharing basis, and plants duplicates.
    from interventions.models import Referral

    assert Referral.objects.exists()
    assert not Referral.objects.outside_basis().exists()
    planted = data.tables["people"].tail(6)
    assert (planted.relationship == "other").all()
    assert planted.nino.isna().all()

    again = load_demo(seed=11, households=60)
    assert not again.created
    assert Household.objects.count() == len(data.tables["households"])
    assert BenefitRecord.objects.count() == len(data.tables["benefits"])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_command_is_idempotent_and_prints_the_logins(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("load_demo", "--seed", "3", "--households", "40", "--no-progress")
    first = capsys.readouterr().out
    assert "Loaded the demo (seed 3)" in first
    assert "caseworker" in first
    assert "policylead" in first
    assert "dpo" in first
    counts = (Household.objects.count(), BenefitRecord.objects.count())
    call_command("load_demo", "--seed", "3", "--households", "40", "--no-progress")
    assert "already loaded: nothing to do" in capsys.readouterr().out
    assert (Household.objects.count(), BenefitRecord.objects.count()) == counts


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_second_seed_is_refused_rather_than_mixed_in() -> None:
    load_demo(seed=3, households=30)
    with pytest.raises(DemoRefused, match="already holds the demo with seed 3"):
        load_demo(seed=4, households=30)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_failed_load_leaves_nothing_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    import demo.load as loader

    def broken_statistics(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    monkeypatch.setattr(loader, "reset_sequences", broken_statistics)
    with pytest.raises(RuntimeError, match="disk full"):
        load_demo(seed=3, households=30)
    assert not Household.objects.exists()
    assert not BenefitRecord.objects.exists()
    assert not DemoDataset.objects.exists()
    assert np.all([not m.objects.exists() for m in (Person, Residence, Placement)])
