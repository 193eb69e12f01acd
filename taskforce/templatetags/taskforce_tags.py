"""Template tags for the site layout."""

from collections.abc import Callable
from typing import Any

from django import template
from django.urls import reverse

from imports.querysets import kinds_for
from outcomes.views import may_open_dashboards, may_open_evidence_pack
from taskforce.org import scoping
from taskforce.org.models import StaffProfile

register = template.Library()
Role = StaffProfile.Role


def _imports(user: Any) -> bool:
    return bool(kinds_for(user))


def _has_role(user: Any) -> bool:
    return scoping.role_of(user) is not None


def _role_in(*roles: str) -> Callable[[Any], bool]:
    def gate(user: Any) -> bool:
        return scoping.role_of(user) in roles

    return gate


# Each section with the very check its pages make before answering, so the navigation never offers a page
# that would answer 403: (label, URL name, the pages' gate).
SECTIONS: tuple[tuple[str, str, Callable[[Any], bool]], ...] = (
    ("My work", "casework:my_work", _has_role),
    ("Caseload", "households:caseload", scoping.sees_cases),
    ("Referral inbox", "interventions:inbox", scoping.sees_cases),
    ("Duplicates", "households:duplicates", scoping.sees_cases),
    ("Properties", "households:properties", scoping.sees_housing_records),
    ("Licensing", "households:licensing", scoping.sees_housing_records),
    ("Plan coverage", "casework:coverage", _role_in(Role.WARD_MANAGER)),
    ("Dashboards", "outcomes:dashboard", may_open_dashboards),
    ("Evidence pack", "outcomes:evidence", may_open_evidence_pack),
    ("Margate Agreement", "outcomes:agreement", _role_in(Role.WARD_MANAGER, Role.POLICY_LEAD)),
    ("Maps", "outcomes:maps", _role_in(Role.HOUSING_OFFICER, Role.WARD_MANAGER, Role.POLICY_LEAD)),
    ("Imports", "imports:list", _imports),
    ("Data protection", "privacy:workspace", _role_in(Role.DATA_PROTECTION_OFFICER)),
)


def _items(user: Any) -> list[tuple[str, str]]:
    items = [("Home", reverse("home"))]
    items += [(label, reverse(name)) for label, name, may_open in SECTIONS if may_open(user)]
    return items


@register.inclusion_tag("taskforce/_service_navigation.html", takes_context=True)
def service_navigation(context: template.Context) -> dict[str, Any]:
    """The signed-in user's sections, the one holding the current page marked as current."""
    request = context.get("request")
    user = context.get("user")
    path = request.path if request else ""
    items = []
    for label, href in _items(user) if user is not None and user.is_authenticated else []:
        active = path == href if href == "/" else path.startswith(href)
        items.append({"label": label, "href": href, "active": active, "current": path == href})
    return {"items": items, "user": user, "request": request, "csrf_token": context.get("csrf_token")}
