"""Template tags for the site layout."""

from typing import Any

from django import template
from django.urls import reverse

from imports.querysets import kinds_for
from taskforce.org import scoping
from taskforce.org.models import StaffProfile

register = template.Library()
Role = StaffProfile.Role


def _items(user: Any) -> list[tuple[str, str]]:
    role = scoping.role_of(user)
    items = [("Home", reverse("home"))]
    if role is not None:
        items.append(("My work", reverse("casework:my_work")))
    if scoping.sees_cases(user):
        items.append(("Caseload", reverse("households:caseload")))
        items.append(("Referral inbox", reverse("interventions:inbox")))
        items.append(("Duplicates", reverse("households:duplicates")))
    if scoping.sees_housing_records(user):
        items.append(("Properties", reverse("households:properties")))
        items.append(("Licensing", reverse("households:licensing")))
    # Built in outcomes/ by other pages; the links stand here so the navigation has one home.
    if role == Role.WARD_MANAGER:
        items.append(("Plan coverage", reverse("casework:coverage")))
    if role in {Role.WARD_MANAGER, Role.POLICY_LEAD}:
        items.append(("Dashboards", "/dashboards/"))
        items.append(("Evidence pack", "/evidence/"))
        items.append(("Margate Agreement", "/place/agreement/"))
    if role in {Role.HOUSING_OFFICER, Role.WARD_MANAGER, Role.POLICY_LEAD}:
        items.append(("Maps", "/place/maps/"))
    if kinds_for(user):
        items.append(("Imports", reverse("imports:list")))
    if role == Role.DATA_PROTECTION_OFFICER:
        items.append(("Data protection", reverse("privacy:workspace")))
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
