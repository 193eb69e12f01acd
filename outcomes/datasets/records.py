"""One row per record: placements for the placements evidence, and the case and housing records the ward
dashboards aggregate, each with its ward and dates and no names or identifiers of the people concerned."""

from datetime import date

import numpy as np
import pandas as pd
from django.db.models import CharField
from django.db.models.functions import Cast, Coalesce

from households.deadlines import notification_due_on
from households.hhsrs import CATEGORY_1_THRESHOLD
from households.models import HazardFinding, Household, Licence, Placement, Property
from interventions.models import Intervention

from .place import residence_rows
from .query import lookup, values_frame


def placements_frame() -> pd.DataFrame:
    """One row per placement: authority, type, legal basis, dates, notification due date and status."""
    rows = Placement.objects.values_list(
        "pk",
        "household_id",
        "household__ward__gss_code",
        "placing_authority__name",
        "type__name",
        "type__notice_rule",
        "legal_basis",
        "placed_on",
        "ended_on",
        "notification_received_on",
    )
    frame = pd.DataFrame(
        rows,
        columns=[
            "placement",
            "household",
            "area",
            "authority",
            "type",
            "notice_rule",
            "legal_basis",
            "placed_on",
            "ended_on",
            "notified_on",
        ],
    )
    frame["due_on"] = [
        notification_due_on(r, d) for r, d in zip(frame["notice_rule"], frame["placed_on"], strict=True)
    ]
    frame["year"] = [d.year for d in frame["placed_on"]]
    return frame


def dashboard_placements() -> pd.DataFrame:
    """One row per placement, as the dashboards read them: the ward holding the case, placing authority,
    type, year placed, and the days notified and due (as `placements_frame` gives them, in no set order).
    Read by column through the driver with the days as text, each parsed once: through Django's
    converters `placements_frame` costs about twice as much."""
    rows = values_frame(
        Placement.objects.annotate(
            placed=Cast("placed_on", CharField()), notified=Cast("notification_received_on", CharField())
        ).values_list(
            "household__ward__gss_code",
            "placing_authority__name",
            "type__name",
            "type__notice_rule",
            "placed",
            "notified",
        ),
        ["area", "authority", "type", "notice_rule", "placed_on", "notified_on"],
        text_as_objects=True,
    )
    placed = [date.fromisoformat(day) for day in rows["placed_on"].tolist()]
    return pd.DataFrame(
        {
            "area": rows["area"].tolist(),
            "authority": rows["authority"].tolist(),
            "type": rows["type"].tolist(),
            "year": [day.year for day in placed],
            "notified_on": [
                None if day is None else date.fromisoformat(day) for day in rows["notified_on"].tolist()
            ],
            "due_on": [
                notification_due_on(r, d) for r, d in zip(rows["notice_rule"].tolist(), placed, strict=True)
            ],
        }
    )


def dashboard_interventions() -> pd.DataFrame:
    """One row per intervention: ward, agency, service, status, worker (staff profile id), dates."""
    return values_frame(
        Intervention.objects.annotate(
            referred=Cast("referred_on", CharField()),
            started=Cast("started_on", CharField()),
            ended=Cast("ended_on", CharField()),
        ).values_list(
            "household__ward__gss_code",
            "service__agency__name",
            "service__name",
            "status",
            "worker_id",
            "referred",
            "started",
            "ended",
        ),
        ["area", "agency", "service", "status", "worker", "referred_on", "started_on", "ended_on"],
        text_as_objects=True,
    )


def dashboard_households() -> pd.DataFrame:
    """One row per household: ward, key worker (staff profile id), opened and closed dates."""
    return values_frame(
        Household.objects.annotate(
            opened=Cast("opened_on", CharField()), closed=Cast("closed_on", CharField())
        ).values_list("pk", "ward__gss_code", "key_worker_id", "opened", "closed"),
        ["household", "area", "key_worker", "opened_on", "closed_on"],
        text_as_objects=True,
    )


def dashboard_moves(rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per residence: household, the ward holding the case, moved-in date (ISO text). From `rows`
    (`place.residence_rows`, which the residences are made from too) if given; the households' wards
    looked up, not joined (`query.lookup`): a residence whose household has gone since is left out."""
    rows = residence_rows() if rows is None else rows
    household = rows["household"].to_numpy(dtype=np.int64)
    area, found = lookup(household, Household.objects.values_list("pk", "ward__gss_code"))
    return pd.DataFrame(
        {
            "household": household[found],
            "area": pd.Series(area[found], dtype=object),
            "moved_in": pd.Series(rows["moved_in"].to_numpy(dtype=object)[found], dtype=object),
        }
    )


def dashboard_housing() -> dict[str, pd.DataFrame]:
    """Homes, licences and Category 1 hazard findings, each with the ward the home stands in."""
    homes = values_frame(
        Property.objects.values_list("pk", "area__gss_code", "is_hmo"),
        ["property", "area", "is_hmo"],
        text_as_objects=True,
    )
    licences = values_frame(
        Licence.objects.filter(decision="granted")
        .annotate(
            starts=Cast("starts_on", CharField()),
            expires=Cast(Coalesce("revoked_on", "expires_on"), CharField()),
        )
        .values_list("property__area__gss_code", "starts", "expires"),
        ["area", "starts_on", "expires_on"],
        text_as_objects=True,
    )
    hazards = values_frame(
        HazardFinding.objects.filter(score__gte=CATEGORY_1_THRESHOLD)
        .annotate(
            found=Cast("inspection__inspected_on", CharField()), remedied=Cast("remedied_on", CharField())
        )
        .values_list("inspection__property__area__gss_code", "found", "remedied"),
        ["area", "found_on", "remedied_on"],
        text_as_objects=True,
    )
    return {"homes": homes, "licences": licences, "hazards": hazards}
