"""The evidence pack: only policy leads, built from the latest runs, and never a person-level record in the
page, the CSV bundle or the PDF."""

import base64
import io
import re
import shutil
import subprocess
import zipfile
import zlib

import pytest
import weasyprint
from django.test import Client
from django.urls import reverse

from households.models import Household, Person
from jobs.models import Job
from outcomes import evidence
from outcomes.disclosure import SUPPRESSED
from outcomes.evidence.bundle import csv_bundle
from outcomes.formatting import money
from outcomes.models import AnalysisRun
from outcomes.services import analysis_request
from taskforce.org.models import StaffProfile

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_demo")]

CASE_REFERENCE = re.compile(r"MTF-\d{6}")
NINO = re.compile(r"\b[A-CEGHJ-PR-TW-Z]{2}\d{6}[A-D]\b")


@pytest.fixture(autouse=True)
def _single_factor(settings) -> None:  # type: ignore[no-untyped-def]
    settings.TASKFORCE_REQUIRE_2FA = False


@pytest.fixture(scope="module")
def runs(shared_demo, django_db_blocker):  # type: ignore[no-untyped-def]
    """One finished run of each kind the pack draws on, requested as the web page does (outside a test's
    transaction, the eager task runs as the request commits). Removed when the module ends: the demo is
    shared."""
    requests = [
        ("gap", {"period": "2009"}),
        ("area-impact", {"method": "sc", "placebos": 20}),
        ("area-impact", {"method": "did", "placebos": 20}),
        ("area-impact", {"method": "event-study", "placebos": 20}),
        ("savings", {"effect": -2.5, "effect_se": 0.6}),
        ("placements", {}),
        ("housing", {}),
    ]
    done = []
    with django_db_blocker.unblock():
        for kind, parameters in requests:
            run = analysis_request(kind=kind, parameters=parameters)
            run.refresh_from_db()
            assert run.succeeded, run.error
            done.append(run)
    yield done
    with django_db_blocker.unblock():
        AnalysisRun.objects.filter(pk__in=[run.pk for run in done]).delete()
        Job.objects.filter(pk__in=[run.job_id for run in done]).delete()


def client_for(profile: StaffProfile) -> Client:
    client = Client()
    client.force_login(profile.user)
    return client


def person_level(text: str) -> list[str]:
    """Anything in `text` that identifies a household or a person of the demo."""
    found = CASE_REFERENCE.findall(text) + NINO.findall(text)
    for given, family in Person.objects.values_list("given_name", "family_name"):
        if f"{given} {family}" in text:
            found.append(f"{given} {family}")
    return found


def test_with_no_runs_each_section_says_which_analysis_to_run(policy_lead: StaffProfile) -> None:
    response = client_for(policy_lead).get(reverse("outcomes:evidence"))
    assert response.status_code == 200
    pack = response.context["pack"]
    for section in pack.sections:
        if section.slug not in {"methods", "place", "plan"}:  # place reads records; the plan precedes runs
            assert section.missing.startswith("No "), section.slug
    assert reverse("outcomes:analyses") in response.content.decode()


def test_the_pack_is_built_from_the_latest_runs_and_says_which(policy_lead: StaffProfile, runs) -> None:  # type: ignore[no-untyped-def]
    response = client_for(policy_lead).get(reverse("outcomes:evidence"))
    page = response.content.decode()
    sections = {s.slug: s for s in response.context["pack"].sections}
    assert sections["gap"].label.lower().startswith("descriptive gap")
    assert {s.run_id for s in sections["area-impact"].sources} == {
        r.pk for r in runs if r.kind == "area-impact"
    }
    assert sections["household-impact"].missing  # not run in this test
    for slug in ("gap", "area-impact", "savings", "placements", "housing"):
        assert not sections[slug].missing, slug
        for source in sections[slug].sources:
            assert f"analysis run {source.run_id}" in page
    # Counterfactual path, event study and donor weights from the stored results.
    assert 'id="path-sc-title"' in page
    assert 'id="event-study-title"' in page
    assert "Donor weights, top 10" in page
    assert "Unit costs and their sources" in page


def test_every_count_in_the_pack_is_published(runs) -> None:  # type: ignore[no-untyped-def]
    pack = evidence.evidence_pack()
    for _section, table in pack.tables():
        for row in table.rows:
            for value, column in zip(row, table.columns, strict=True):
                if column.kind == "count":
                    assert value == SUPPRESSED or (value % 5 == 0 and not 1 <= value <= 9), (
                        table.slug,
                        value,
                    )


def test_the_page_holds_no_person_level_record(policy_lead: StaffProfile, runs) -> None:  # type: ignore[no-untyped-def]
    page = client_for(policy_lead).get(reverse("outcomes:evidence")).content.decode()
    assert person_level(page) == []


def test_the_csv_bundle_holds_no_person_level_record(policy_lead: StaffProfile, runs) -> None:  # type: ignore[no-untyped-def]
    response = client_for(policy_lead).get(reverse("outcomes:evidence_bundle"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as bundle:
        names = bundle.namelist()
        assert "sources.csv" in names
        assert "gap/gap.csv" in names
        for name in names:
            assert person_level(bundle.read(name).decode()) == [], name
        sources = bundle.read("sources.csv").decode()
    # The runs are named as the page names them, not by their stored codes.
    assert "{'" not in sources
    assert "Area impact" in sources


def test_the_pdf_holds_no_person_level_record(
    policy_lead: StaffProfile, runs, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    printed: list[str] = []
    original = weasyprint.HTML

    def capture(*args, string: str = "", **kwargs):  # type: ignore[no-untyped-def]
        printed.append(string)
        return original(*args, string=string, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", capture)
    response = client_for(policy_lead).get(reverse("outcomes:evidence_pdf"))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    charts = [
        base64.b64decode(c).decode()
        for c in re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", printed[0])
    ]
    assert charts  # the charts are drawn into the PDF as SVG images
    assert person_level(printed[0] + "".join(charts)) == []
    assert "Area impact" in printed[0]
    if shutil.which("pdftotext"):
        text = subprocess.run(  # noqa: S603 -- a fixed command reading our own PDF
            [shutil.which("pdftotext") or "pdftotext", "-", "-"],
            input=response.content,
            capture_output=True,
            check=True,
        ).stdout.decode()
        assert "evidence pack" in text
        assert person_level(text) == []


@pytest.mark.parametrize(
    "persona", ["ward_manager", "caseworker", "housing_officer", "data_protection_officer"]
)
def test_only_policy_leads_have_the_evidence_pages(persona: str, request: pytest.FixtureRequest) -> None:
    client = client_for(request.getfixturevalue(persona))
    for name in ("evidence", "evidence_bundle", "evidence_pdf", "analyses"):
        assert client.get(reverse(f"outcomes:{name}")).status_code == 403, name
    assert client.post(reverse("outcomes:analyses"), {"analysis-kind": "gap"}).status_code == 403


def test_a_policy_lead_requests_an_analysis_and_sees_it_finish(
    policy_lead: StaffProfile, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(policy_lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("outcomes:analyses"),
            {"analysis-kind": "gap", "analysis-period": "2009", "analysis-method": "sc"},
        )
    assert response.status_code == 302
    run = AnalysisRun.objects.get(requested_by=policy_lead.user)
    assert (run.kind, run.parameters, run.requested_by) == ("gap", {"period": "2009"}, policy_lead.user)
    page = client.get(response["Location"]).content.decode()
    assert 'src="/static/jobs/progress.js"' in page
    # Finished runs are not followed; their state is the job's.
    assert f"/jobs/{run.job_id}/status.json" not in page
    assert client.get(reverse("jobs:status", args=[run.job_id])).json() == {
        "id": run.job_id,
        "kind": "analysis",
        "state": "succeeded",
        "state_label": "Finished",
        "percent": 100,
        "message": "Finished",
        "finished": True,
    }


def test_a_bad_parameter_is_refused_with_the_field_named(policy_lead: StaffProfile) -> None:
    before = AnalysisRun.objects.count()
    response = client_for(policy_lead).post(
        reverse("outcomes:analyses"), {"analysis-kind": "area-impact", "analysis-start": "September"}
    )
    assert response.status_code == 400
    assert "Start" in response.content.decode()
    assert AnalysisRun.objects.count() == before


def test_no_household_is_named_anywhere_in_the_pack(runs) -> None:  # type: ignore[no-untyped-def]
    bundle = csv_bundle(evidence.evidence_pack())
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        text = "".join(archive.read(n).decode() for n in archive.namelist())
    references = set(Household.objects.values_list("case_reference", flat=True))
    assert not references & set(CASE_REFERENCE.findall(text))


def test_every_figure_is_formatted_for_people(policy_lead: StaffProfile, runs) -> None:  # type: ignore[no-untyped-def]
    page = client_for(policy_lead).get(reverse("outcomes:evidence")).content.decode()
    text = re.sub(r"<svg.*?</svg>", "", page, flags=re.DOTALL)
    text = re.sub(r"<[^>]+>", " ", text)
    for code in (
        "persistence_years",
        "optimism_bias",
        "Npv at",
        "npv_at",
        "area-impact:",
        "effect_se",
        "targets combined",
        "exchequer",
        "E10000016",
        "area_impact",
    ):
        assert code not in text, code
    assert not re.findall(r"\d\.\d{4,}", text)  # no raw floats
    sections = {s.slug: s for s in evidence.evidence_pack().sections}
    sensitivity = next(t for t in sections["savings"].tables if t.slug == "savings-sensitivity")
    rows = {row[0]: row for row in sensitivity.display_rows()}
    persistence = rows["Persistence (years)"]
    assert re.fullmatch(r"\d+ / \d+", persistence[1]), persistence
    assert all(re.fullmatch(r"-?£[\d,]+", cell) for cell in persistence[2:]), persistence
    assert re.fullmatch(r"\d+% / \d+%", rows["Displacement"][1])
    assert "Deadweight" not in rows  # an effect measured against a counterfactual carries none
    assert "Sensitivity of the headline net present value (£" in sensitivity.title
    # Each headline carries its inference and its warnings beside it.
    area = sections["area-impact"].headlines
    assert {h.label for h in area} == {"Synthetic control", "Difference-in-differences", "Event study"}
    for headline in area:
        assert headline.inference
        assert re.match(
            r"-?\d+\.\d\d percentage points \(95% interval -?\d+\.\d\d to -?\d+\.\d\d\), p = ", headline.value
        )
    stored = {r.result["method"]: r.result for r in runs if r.kind == "area-impact"}
    assert {h.warnings for h in area} == {tuple(r.get("warnings", [])) for r in stored.values()}
    appraisal, savings = sections["savings"].headlines
    assert savings.value.startswith(("£", "-£"))
    assert "95% interval" in savings.value
    assert "Net present value to the Exchequer (AME)" in page
    # The social cost-benefit appraisal leads, with its switching value and payback beside it.
    stored_savings = next(r.result for r in runs if r.kind == "savings")["appraisal"]
    assert appraisal.label == "Net present social value"
    assert re.fullmatch(
        r"-?£[\d,]+ \(95% interval -?£[\d,]+ to -?£[\d,]+\); benefit-cost ratio \d+\.\d\d \(\d+\.\d\d to \d+\.\d\d\)",
        appraisal.value,
    ), appraisal.value
    assert appraisal.value.startswith(money(stored_savings["npsv"]))
    assert any(d.startswith("Switching value") for d in appraisal.diagnostics)
    assert appraisal.warnings == tuple(stored_savings["warnings"])
    payers = next(t for t in sections["savings"].tables if t.slug == "savings-by-payer")
    assert {row[1] for row in payers.rows} <= {"Central", "Local"}
    assert "Who pays and who gains" in page
    assert "Persistence (years)" in page


def pdf_text(pdf: bytes) -> bytes:
    """The PDF's objects as bytes, with its compressed streams (object streams included) inflated, so that
    dictionary entries can be searched for without a PDF library."""
    parts = [pdf]
    # Each stream's bytes with the end of line before "endstream" left on: a compressed stream may end in
    # a carriage return of its own, which stripping would cut off. zlib stops at the end of its stream and
    # leaves what follows (the end of line) unused.
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, flags=re.DOTALL):
        inflate = zlib.decompressobj()
        try:
            inflated = inflate.decompress(stream)
        except zlib.error:
            continue
        if inflate.eof:  # the whole stream, not the start of one cut short
            parts.append(inflated)
    return b"\n".join(parts)


def test_the_pdf_is_tagged_for_screen_readers(policy_lead: StaffProfile, runs) -> None:  # type: ignore[no-untyped-def]
    response = client_for(policy_lead).get(reverse("outcomes:evidence_pdf"))
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert b"/StructTreeRoot" in text
    assert re.search(rb"/MarkInfo\s*<<\s*/Marked\s+true", text)
    assert re.search(rb"/Lang\s*\(en-GB\)", text)
    assert b"pdfuaid:part" in text  # declares PDF/UA-1 in its metadata
    assert re.search(rb"/Title\s*\(Margate Task Force: evidence pack\)", text)
    assert re.search(rb"/DisplayDocTitle\s+true", text)
    figures = re.findall(rb"/S\s*/Figure.*?>>", text, flags=re.DOTALL)
    # A PDF string is a literal in brackets, or hexadecimal UTF-16 when it holds characters beyond ASCII.
    alts = [
        literal or bytes.fromhex(hexadecimal.decode()).decode("utf-16").encode()
        for literal, hexadecimal in re.findall(rb"/Alt\s*(?:\(((?:\\.|[^\\)])*)\)|<([0-9A-Fa-f]+)>)", text)
    ]
    assert figures
    assert len(alts) >= len(figures)
    assert any(alt.startswith(b"Target wards against their counterfactual") for alt in alts)
