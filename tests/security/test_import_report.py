"""The import report lists every problem of every row, not only the first of each; a malformed National
Insurance number is a format error, never "no person has this number"."""

import pytest

from imports.core import run_import
from imports.kinds.households import HouseholdsImport
from imports.kinds.interventions import InterventionsImport
from imports.kinds.licences import LicencesImport
from tests.factories import PropertyFactory, ServiceFactory, agency, shared_household

pytestmark = pytest.mark.django_db

INTERVENTIONS = "case_reference,nino,agency,service,referred_on,started_on,ended_on,status,outcome,cost\n"
HOUSEHOLDS = (
    "case_reference,ward,opened_on,closed_on,basis,agencies,given_name,family_name,date_of_birth,nino,sex,"
    "relationship,joined_on\n"
)


def _problems(report) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    return [(p.row, p.column) for p in report.problems]


def test_seven_problems_over_two_rows_are_all_reported() -> None:
    shared_household(agency("jcp"), case_reference="MTF-900001")
    ServiceFactory(agency=agency("jcp"), name="Work coach")
    data = (
        INTERVENTIONS
        + "MTF-999999,QQ12,jcp,Nothing,2010-13-01,,,maybe,,lots\n"
        + "MTF-900001,,jcp,Work coach,2010-09-01,someday,,referred,,-5\n"
    ).encode()
    report = run_import(InterventionsImport(), data, dry_run=True)
    assert _problems(report) == [
        (2, "case_reference"),
        (2, "nino"),
        (2, "service"),
        (2, "referred_on"),
        (2, "status"),
        (2, "cost"),
        (3, "started_on"),
        (3, "cost"),
    ]


@pytest.mark.parametrize("nino", ["QQ12", "AB12345C", "DA123456C"])
def test_a_malformed_national_insurance_number_is_a_format_error(nino: str) -> None:
    shared_household(agency("jcp"), case_reference="MTF-900001")
    ServiceFactory(agency=agency("jcp"), name="Work coach")
    data = (INTERVENTIONS + f"MTF-900001,{nino},jcp,Work coach,2010-09-01,,,referred,,\n").encode()
    [problem] = run_import(InterventionsImport(), data, dry_run=True).problems
    assert problem.column == "nino"
    assert "is not a National Insurance number" in problem.rule or "cannot" in problem.rule
    assert "no person" not in problem.rule


def test_a_well_formed_number_nobody_has_is_reported_as_unknown() -> None:
    shared_household(agency("jcp"), case_reference="MTF-900001")
    ServiceFactory(agency=agency("jcp"), name="Work coach")
    data = (INTERVENTIONS + "MTF-900001,AB123456C,jcp,Work coach,2010-09-01,,,referred,,\n").encode()
    [problem] = run_import(InterventionsImport(), data, dry_run=True).problems
    assert "no person" in problem.rule


def test_households_report_every_bad_cell_of_a_row() -> None:
    data = (
        HOUSEHOLDS + "MTF-000001,E05005088,2010-13-01,,nonsense,nosuch,Alex,Ex,1980-02-30,QQ1,,boss,\n"
    ).encode()
    assert _problems(run_import(HouseholdsImport(), data, dry_run=True)) == [
        (2, "opened_on"),
        (2, "basis"),
        (2, "agencies"),
        (2, "date_of_birth"),
        (2, "nino"),
        (2, "relationship"),
    ]


def test_licences_report_every_bad_cell_of_a_row() -> None:
    PropertyFactory(uprn=100062000001)
    data = (
        b"number,uprn,scheme,holder,manager,starts_on,expires_on,max_occupiers,max_households,conditions,"
        b"decision,revoked_on\n"
        b"L1,999,nonsense,Holder,,2010-01-01,tomorrow,many,2,,maybe,2011-02-30\n"
    )
    assert _problems(run_import(LicencesImport(), data, dry_run=True)) == [
        (2, "uprn"),
        (2, "scheme"),
        (2, "expires_on"),
        (2, "max_occupiers"),
        (2, "decision"),
        (2, "revoked_on"),
    ]
