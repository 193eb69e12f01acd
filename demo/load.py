"""Write the generated demo world to the database, all or nothing, once per seed."""

from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

import numpy as np
import pandas as pd
from django.db import connection, transaction
from django.utils import timezone

from demo.models import DemoDataset
from households.models import (
    DataSharingBasis,
    EnforcementAction,
    Hazard,
    HazardFinding,
    Household,
    Inspection,
    Licence,
    Membership,
    Person,
    Placement,
    PlacementType,
    Property,
    PropertyLocation,
    Residence,
)
from interventions.models import Intervention, Referral, Service, ServiceCategory
from outcomes.datasets.ledger import rebuild_ledger
from outcomes.models import AreaStatistic, BenefitRecord, BenefitType
from taskforce.org.bulk import insert_rows, lock_referenced, next_id, reset_sequences
from taskforce.org.models import Agency, Area, StaffProfile

from .caseplans import write_case_plans
from .generate import DemoData, generate
from .generate.areas import N_COMPARATORS
from .generate.casework import SERVICES
from .generate.privacy import write_privacy_demo
from .generate.world import KENT, TARGET_WARDS, month_start
from .licensing import load_licensing
from .place import place_authorities, place_geography
from .plan import demo_plan_lock, demo_programme_costs
from .staff import create_staff, indexes_built_after


class Progress(Protocol):
    def start(self, total: int, message: str = "") -> None: ...

    def advance(self, n: int, message: str | None = None) -> None: ...


class _Silent:
    def start(self, total: int, message: str = "") -> None:
        pass

    def advance(self, n: int, message: str | None = None) -> None:
        pass


class DemoAlreadyLoaded(Exception):
    pass


class DemoRefused(Exception):
    pass


@dataclass(frozen=True)
class LoadResult:
    dataset: DemoDataset
    rows: int
    created: bool


def load_demo(
    *, seed: int = 2010, households: int = 6000, progress: Progress | None = None, job_id: int | None = None
) -> LoadResult:
    """Generate and write the demo. A second call with the same seed changes nothing."""
    existing = DemoDataset.objects.filter(seed=seed).first()
    if existing:
        return LoadResult(dataset=existing, rows=0, created=False)
    other = DemoDataset.objects.first()
    if other:
        raise DemoRefused(
            f"The database already holds the demo with seed {other.seed}; a second demo would mix two synthetic "
            "worlds. Start from an empty database (delete var/taskforce.sqlite3 and migrate) to load another seed."
        )
    if Household.objects.exists():
        raise DemoRefused("The database already holds households, so the demo will not be loaded into it.")

    progress = progress or _Silent()
    progress.start(0, "Generating the synthetic wards")
    data = generate(seed=seed, households=households)
    progress.start(data.row_count(), "Writing the demo")
    with transaction.atomic():
        dataset = _write(data, seed=seed, report=progress.advance, job_id=job_id)
        load_licensing(data.tables["properties"], today=timezone.localdate(), seed=seed)
        progress.advance(0, "Case plans, notes and tasks")
        write_case_plans(seed=seed)
        demo_plan_lock()
        demo_programme_costs()
    return LoadResult(dataset=dataset, rows=data.row_count(), created=True)


def _ids(model: Any, n: int) -> np.ndarray:
    start = next_id(model)
    return np.arange(start, start + n)


def _none(value: Any) -> Any:
    return (
        None if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT else value
    )


def _write(data: DemoData, *, seed: int, report: Any, job_id: int | None) -> DemoDataset:
    t = data.tables
    wards = {a.gss_code: a for a in Area.objects.filter(gss_code__in=TARGET_WARDS)}
    ward_ids = np.array([wards[c].pk for c in TARGET_WARDS])
    kent = Area.objects.get(gss_code=KENT)
    agencies = {a.code: a for a in Agency.objects.all()}

    report(0, "Reference data and staff")
    placing = place_authorities()
    categories = {c.code: c for c in ServiceCategory.objects.all()}
    services = []
    for agency_code, category, name, _ in SERVICES:
        service, _ = Service.objects.get_or_create(
            agency=agencies[agency_code], name=name, defaults={"category": categories[category]}
        )
        services.append(service.pk)
    comparators = [
        Area(
            gss_code=f"E059{j + 1:05d}",
            vintage=2003,
            name=f"Comparator ward {j + 1:03d} (synthetic)",
            type=Area.Type.WARD,
            parent=kent,
            is_synthetic=True,
        )
        for j in range(N_COMPARATORS)
    ]
    Area.objects.bulk_create(comparators)
    staff = create_staff(agencies=agencies, wards=list(wards.values()))
    caseworkers = [p.pk for p in staff if p.role == StaffProfile.Role.CASEWORKER]
    housing_officer = next(p.pk for p in staff if p.role == StaffProfile.Role.HOUSING_OFFICER)
    report(0, "Homes")

    # Properties.
    props = t["properties"]
    prop_id = _ids(Property, len(props))
    insert_rows(
        Property,
        [
            "id",
            "uprn",
            "address_line_1",
            "address_line_2",
            "town",
            "postcode",
            "area_id",
            "tenure",
            "is_hmo",
            "landlord",
        ],
        zip(
            prop_id.tolist(),
            props["uprn"].tolist(),
            props["address_line_1"],
            props["address_line_2"],
            ["Margate"] * len(props),
            props["postcode"],
            ward_ids[props["ward"]].tolist(),
            props["tenure"],
            props["is_hmo"].tolist(),
            props["landlord"],
            strict=False,
        ),
        progress=lambda n: report(n, "Homes"),
    )
    place_geography(
        wards=[wards[c] for c in TARGET_WARDS],
        property_ids=prop_id,
        home_wards=props["ward"].to_numpy(),
        seed=seed,
    )

    # Households; key workers for cases the task force worked with.
    hh = t["households"]
    hh_id = _ids(Household, len(hh))
    rng = np.random.default_rng(seed + 1)
    key_worker = [int(rng.choice(caseworkers)) if treated else None for treated in hh["treated"]]
    insert_rows(
        Household,
        [
            "id",
            "case_reference",
            "ward_id",
            "key_worker_id",
            "status",
            "opened_on",
            "closed_on",
            "closure_reason",
        ],
        zip(
            hh_id.tolist(),
            hh["case_reference"],
            ward_ids[hh["ward"]].tolist(),
            key_worker,
            hh["status"],
            hh["opened_on"],
            map(_none, hh["closed_on"]),
            [""] * len(hh),  # reasons are drawn with the case work (demo/caseplans.py)
            strict=False,
        ),
        progress=lambda n: report(n, "Households"),
    )
    res = t["residences"]
    insert_rows(
        Residence,
        ["id", "household_id", "property_id", "moved_in", "moved_out"],
        zip(
            _ids(Residence, len(res)).tolist(),
            hh_id[res["household"]].tolist(),
            prop_id[res["property"]].tolist(),
            res["moved_in"],
            map(_none, res["moved_out"]),
            strict=False,
        ),
        progress=lambda n: report(n, "Moves"),
    )

    # People and their membership of households.
    people = t["people"]
    person_id = _ids(Person, len(people))
    insert_rows(
        Person,
        ["id", "given_name", "family_name", "date_of_birth", "nino", "sex"],
        zip(
            person_id.tolist(),
            people["given_name"],
            people["family_name"],
            people["date_of_birth"],
            map(_none, people["nino"]),
            people["sex"],
            strict=False,
        ),
        progress=lambda n: report(n, "People"),
    )
    insert_rows(
        Membership,
        ["id", "household_id", "person_id", "relationship", "joined_on", "left_on"],
        zip(
            _ids(Membership, len(people)).tolist(),
            hh_id[people["household"]].tolist(),
            person_id.tolist(),
            people["relationship"],
            people["joined_on"],
            map(_none, people["left_on"]),
            strict=False,
        ),
        progress=lambda n: report(n, "Membership"),
    )

    # Data-sharing bases, and the agencies each covers.
    sharing = t["sharing"]
    sharing_id = _ids(DataSharingBasis, len(sharing))
    insert_rows(
        DataSharingBasis,
        ["id", "household_id", "basis", "starts_on", "expires_on", "withdrawn_on", "agreed_by"],
        zip(
            sharing_id.tolist(),
            hh_id[sharing["household"]].tolist(),
            sharing["basis"],
            sharing["starts_on"],
            map(_none, sharing["expires_on"]),
            map(_none, sharing["withdrawn_on"]),
            [""] * len(sharing),
            strict=False,
        ),
    )
    partners = [a.pk for a in agencies.values() if a.kind == Agency.Kind.PARTNER]
    core = [agencies[c].pk for c in ("kcc", "tdc", "jcp")]
    through = DataSharingBasis.agencies.through
    pairs = (
        (int(sid), agency)
        for sid, everyone in zip(sharing_id, sharing["all_partners"], strict=True)
        for agency in (partners if everyone else core)
    )
    insert_rows(through, ["datasharingbasis_id", "agency_id"], pairs)

    # Placements into the wards.
    pl = t["placements"]
    types = {p.code: p.pk for p in PlacementType.objects.all()}
    insert_rows(
        Placement,
        [
            "id",
            "household_id",
            "placing_authority_id",
            "type_id",
            "legal_basis",
            "placed_on",
            "ended_on",
            "accommodation_id",
            "notification_received_on",
        ],
        zip(
            _ids(Placement, len(pl)).tolist(),
            hh_id[pl["household"]].tolist(),
            [placing[a] for a in pl["authority"]],
            [types[c] for c in pl["type"]],
            pl["legal_basis"],
            pl["placed_on"],
            map(_none, pl["ended_on"]),
            prop_id[pl["property"]].tolist(),
            map(_none, pl["notification_received_on"]),
            strict=False,
        ),
        progress=lambda n: report(n, "Placements"),
    )

    # Interventions and referrals.
    iv = t["interventions"]
    insert_rows(
        Intervention,
        [
            "id",
            "household_id",
            "service_id",
            "worker_id",
            "referred_on",
            "started_on",
            "ended_on",
            "status",
            "outcome",
            "cost",
            "notes",
        ],
        zip(
            _ids(Intervention, len(iv)).tolist(),
            hh_id[iv["household"]].tolist(),
            [services[s] for s in iv["service"]],
            [key_worker[h] for h in iv["household"]],
            iv["referred_on"],
            iv["started_on"],
            map(_none, iv["ended_on"]),
            iv["status"],
            iv["outcome"],
            iv["cost"].tolist(),
            [""] * len(iv),
            strict=False,
        ),
        progress=lambda n: report(n, "Interventions"),
    )
    rf = t["referrals"]
    insert_rows(
        Referral,
        [
            "id",
            "household_id",
            "from_agency_id",
            "to_agency_id",
            "reason",
            "sent_on",
            "status",
            "responded_on",
            "outcome",
            "decline_reason",
        ],
        zip(
            _ids(Referral, len(rf)).tolist(),
            hh_id[rf["household"]].tolist(),
            [agencies[a].pk for a in rf["from"]],
            [agencies[a].pk for a in rf["to"]],
            rf["reason"],
            rf["sent_on"],
            rf["status"],
            map(_none, rf["responded_on"]),
            [""] * len(rf),
            ["Not able to take the case on" if status == "declined" else "" for status in rf["status"]],
            strict=False,
        ),
        progress=lambda n: report(n, "Referrals"),
    )

    # Private sector housing: licences, inspections, hazards, enforcement.
    lic = t["licences"]
    insert_rows(
        Licence,
        [
            "id",
            "property_id",
            "scheme",
            "number",
            "holder",
            "starts_on",
            "expires_on",
            "max_occupiers",
            "max_households",
            "decision",
            "manager",
            "conditions",
        ],
        zip(
            _ids(Licence, len(lic)).tolist(),
            prop_id[lic["property"]].tolist(),
            ["mandatory_hmo"] * len(lic),
            lic["number"],
            lic["holder"],
            lic["starts_on"],
            lic["expires_on"],
            lic["max_occupiers"].tolist(),
            lic["max_households"].tolist(),
            ["granted"] * len(lic),
            [""] * len(lic),
            [""] * len(lic),
            strict=False,
        ),
    )
    ins = t["inspections"]
    ins_id = _ids(Inspection, len(ins))
    insert_rows(
        Inspection,
        ["id", "property_id", "inspected_on", "officer_id", "reason", "notes"],
        zip(
            ins_id.tolist(),
            prop_id[ins["property"]].tolist(),
            ins["inspected_on"],
            [housing_officer] * len(ins),
            ins["reason"],
            [""] * len(ins),
            strict=False,
        ),
    )
    fi = t["findings"]
    hazards = {h.number: h.pk for h in Hazard.objects.all()}
    fi_id = _ids(HazardFinding, len(fi))
    insert_rows(
        HazardFinding,
        ["id", "inspection_id", "hazard_id", "score", "status", "remedied_on"],
        zip(
            fi_id.tolist(),
            ins_id[fi["inspection"]].tolist(),
            [hazards[h] for h in fi["hazard"]],
            fi["score"].tolist(),
            fi["status"],
            map(_none, fi["remedied_on"]),
            strict=False,
        ),
    )
    en = t["enforcement"]
    insert_rows(
        EnforcementAction,
        ["id", "property_id", "finding_id", "type", "served_on", "status", "complied_on", "penalty_amount"],
        zip(
            _ids(EnforcementAction, len(en)).tolist(),
            prop_id[en["property"]].tolist(),
            fi_id[en["finding"]].tolist(),
            en["type"],
            en["served_on"],
            en["status"],
            map(_none, en["complied_on"]),
            [None] * len(en),
            strict=False,
        ),
        progress=lambda n: report(n, "Housing enforcement"),
    )

    # Benefit records: the bulk of the data. Months go as ISO dates, the text both databases parse,
    # rather than a date object for the driver to adapt row by row.
    br = t["benefits"]
    codes = {b.code: b.pk for b in BenefitType.objects.all()}
    # Through categories: a look-up per kind of benefit rather than per record.
    benefit = pd.Categorical(br["benefit"])
    benefit_id = np.array([codes[c] for c in benefit.categories])[benefit.codes]
    months = np.array([month_start(m).isoformat() for m in range(int(br["month"].max()) + 1)], dtype=object)
    # The records refer to people written above in this transaction and to benefit types, locked here as
    # the foreign-key triggers would lock them: the triggers' 2.8 million per-row checks can be skipped.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            lock_referenced(cursor, BenefitType, sorted(codes.values()))
    with indexes_built_after(BenefitRecord):
        insert_rows(
            BenefitRecord,
            ["id", "person_id", "month", "benefit_id", "amount"],
            zip(
                _ids(BenefitRecord, len(br)).tolist(),
                person_id[br["person"].to_numpy()].tolist(),
                months[br["month"].to_numpy()].tolist(),
                benefit_id.tolist(),
                br["amount"].to_numpy().tolist(),
                strict=False,
            ),
            progress=lambda n: report(n, "Benefit records"),
            references_checked=True,
        )

    # Area statistics for the wards, the synthetic comparators and Kent.
    st = t["statistics"]
    areas = {a.gss_code: a.pk for a in Area.objects.filter(gss_code__in=st["code"].unique().tolist())}
    starts = {("month", m): month_start(m).isoformat() for m in range(120)} | {
        ("year", y): date(2006 + y, 1, 1).isoformat() for y in range(10)
    }
    insert_rows(
        AreaStatistic,
        ["id", "area_id", "frequency", "period_start", "measure", "value", "source", "vintage"],
        zip(
            _ids(AreaStatistic, len(st)).tolist(),
            [areas[c] for c in st["code"]],
            st["frequency"],
            [starts[(f, i)] for f, i in zip(st["frequency"], st["index"], strict=True)],
            st["measure"],
            st["value"].tolist(),
            st["source"],
            [f"demo seed {seed}"] * len(st),
            strict=False,
        ),
        progress=lambda n: report(n, "Area statistics"),
    )

    reset_sequences(
        [
            Property,
            Household,
            Residence,
            Person,
            Membership,
            DataSharingBasis,
            Placement,
            PropertyLocation,
            Intervention,
            Referral,
            Licence,
            Inspection,
            HazardFinding,
            EnforcementAction,
            BenefitRecord,
            AreaStatistic,
        ]
    )
    write_privacy_demo(seed=seed)
    rebuild_ledger()  # the housing benefit records by claimant, for the dashboards' sums
    # Fresh planner statistics after a bulk load: SQLite keeps none until asked, and PostgreSQL's
    # autovacuum would reach these tables only later.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return DemoDataset.objects.create(seed=seed, households=len(hh), truths=data.truths, job_id=job_id)
