"""Who sees which wards' dashboards, and the wards and years a request asks for.

- a ward manager: their own wards, one at a time or combined, with caseloads by named worker;
- a policy lead: the target wards, one at a time or combined, with caseloads by agency (never a person);
- caseworkers, housing officers and the data protection officer: no dashboards. Their work is with
  records, which their own pages show; the dashboards are the management and evidence view.
The rule holds for the pages, their CSV downloads and the API's aggregates alike.
"""

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from taskforce.org import scoping
from taskforce.org.models import Area, StaffProfile

FIRST_YEAR = 2006
COMBINED = "combined"
MANAGER, POLICY = "manager", "policy"


@dataclass(frozen=True)
class Access:
    audience: str
    wards: tuple[Area, ...]


@dataclass(frozen=True)
class Filters:
    codes: tuple[str, ...]
    ward: str  # a GSS code or COMBINED
    label: str
    first_year: int
    last_year: int

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))

    def query(self) -> str:
        return f"ward={self.ward}&from={self.first_year}&to={self.last_year}"


def dashboard_access(user: scoping.User | None) -> Access | None:
    """Which wards the user may see dashboards of, and as which audience; None for no dashboards."""
    profile = scoping.profile_of(user)
    if profile is None:
        return None
    if profile.role == StaffProfile.Role.WARD_MANAGER:
        wards = tuple(profile.wards.filter(type=Area.Type.WARD).order_by("name"))
        return Access(MANAGER, wards) if wards else None
    if profile.role == StaffProfile.Role.POLICY_LEAD:
        return Access(POLICY, tuple(Area.objects.filter(is_target=True).order_by("name")))
    return None


def filters_from(params: Any, access: Access, *, latest_year: int | None = None) -> Filters:
    """The filters asked for in the query string, falling back to all the user's wards and every year with
    data (`latest_year`)."""
    today = timezone.localdate()
    by_code = {w.gss_code: w for w in access.wards}
    ward = params.get("ward", COMBINED)
    codes: tuple[str, ...]
    if ward in by_code:
        codes, label = (ward,), by_code[ward].name
    else:
        ward, codes = COMBINED, tuple(sorted(by_code))
        label = " and ".join(w.name for w in access.wards) if len(codes) <= 2 else "Wards combined"

    def year(name: str, default: int) -> int:
        try:
            value = int(params.get(name, default))
        except (TypeError, ValueError):
            return default
        return min(max(value, FIRST_YEAR), today.year)

    first, last = year("from", FIRST_YEAR), year("to", min(latest_year or today.year, today.year))
    if first > last:
        first, last = last, first
    return Filters(codes=codes, ward=ward, label=label, first_year=first, last_year=last)
