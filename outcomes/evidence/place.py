"""The evidence pack's place section: how signatories of the Margate Agreement placed and notified against
authorities that did not sign, and the wards' transience (arrivals, departures, turnover) against the
comparator wards. Read from the records, like the dashboards, and published through the same rules."""

from django.utils import timezone

from households.models import AgreementSignatory
from taskforce.org.models import Area

from ..dashboards.access import COMBINED, FIRST_YEAR, Filters
from ..dashboards.facts import facts, versions
from ..dashboards.panel import Panel
from ..dashboards.place import turnover_panel
from ..datasets.place import signatories_frame
from ..place.agreement import compliance_panel, placements_with_status, register_panel
from ..templatetags.outcomes_charts import panel_chart
from .pack import Section, Table

TITLE = "Place: the Margate Agreement and transience"


def _table(panel: Panel) -> Table:
    return Table(f"place-{panel.slug}", panel.title, panel.columns, panel.rows)


def place_section() -> Section:
    targets = tuple(Area.objects.filter(is_target=True).order_by("name"))
    if not targets:
        return Section("place", TITLE, missing="No target wards are recorded.")
    codes = tuple(w.gss_code for w in targets)
    label = " and ".join(w.name for w in targets)
    placements = placements_with_status(codes)
    signatories = signatories_frame()
    figures = facts(versions())
    filters = Filters(
        codes=codes,
        ward=COMBINED,
        label=label,
        first_year=FIRST_YEAR,
        last_year=figures["latest_year"] or timezone.localdate().year,
    )
    panels = (
        compliance_panel(placements, signatories, label),
        register_panel(placements, signatories, label),
        turnover_panel(figures, filters, "policy"),
    )
    n = AgreementSignatory.objects.count()
    return Section(
        "place",
        TITLE,
        label="Descriptive",
        facts=(
            ("Signatories of the Margate Agreement", str(n)),
            ("Placements into the wards on record", "see the tables (published counts)"),
        ),
        tables=tuple(_table(p) for p in panels),
        charts=tuple((p.chart.title, str(panel_chart(p))) for p in panels),
        notes=tuple(note for p in panels for note in p.notes),
    )
