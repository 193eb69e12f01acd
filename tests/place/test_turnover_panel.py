"""The turnover panel: the wards' arrivals, departures and turnover, published, beside comparator wards'."""

import pandas as pd
import pytest

from outcomes.dashboards.access import Filters
from outcomes.dashboards.place import turnover_panel


def test_turnover_is_published_beside_the_comparators_published_figure() -> None:
    residences = pd.DataFrame(
        [(h, "W1", "2009-01-01", "2011-06-30" if h < 12 else None) for h in range(40)],
        columns=["household", "area", "moved_in", "moved_out"],
    )
    stats = pd.DataFrame(
        {
            "area": ["C1", "C2", "W1"],
            "is_target": [False, False, True],
            "period": ["2011", "2011", "2011"],
            "value": [0.2, 0.4, 9.9],
        }
    )
    filters = Filters(codes=("W1",), ward="W1", label="Ward One", first_year=2010, last_year=2011)
    panel = turnover_panel({"residences": residences, "turnover_stats": stats}, filters, "policy")
    rows = {row[0]: row for row in panel.rows}
    # 2011: 40 resident on 1 January, 12 left; turnover 12/40; the comparators' mean, not the ward's own.
    assert rows["2011"][1:4] == (40, 0, 10)
    assert rows["2011"][5] == pytest.approx(0.3)
    assert rows["2011"][6] == pytest.approx(0.3)
    assert rows["2010"][3] == 0
    assert panel.chart.series["Comparator wards"] == [None, rows["2011"][6]]
