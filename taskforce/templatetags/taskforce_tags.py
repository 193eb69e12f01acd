"""Template tags for the site layout."""

from collections.abc import Callable
from typing import Any

from django import template
from django.urls import reverse

from imports.querysets import kinds_for
from outcomes.views import may_open_dashboards, may_open_evidence_pack
from taskforce.org import scoping

register = template.Library()


def _imports(user: Any) -> bool:
    return bool(kinds_for(user))


# Each section with the very check its pages make before answering, so the navigation never offers a page
# that would answer 403: (label, URL name, the pages' gate).
SECTIONS: tuple[tuple[str, str, Callable[[Any], bool]], ...] = (
    ("Caseload", "households:caseload", scoping.sees_cases),
    ("Properties", "households:properties", scoping.sees_housing_records),
    ("Dashboards", "outcomes:dashboard", may_open_dashboards),
    ("Evidence pack", "outcomes:evidence", may_open_evidence_pack),
    ("Imports", "imports:list", _imports),
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
