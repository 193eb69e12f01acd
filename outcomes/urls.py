"""Mounted at the site root: /dashboards/ for ward dashboards, /evidence/ for the policy lead's pages."""

from django.urls import path

from . import views
from .place import views as place

app_name = "outcomes"

urlpatterns = [
    path("dashboards/", views.dashboard, name="dashboard"),
    path("dashboards/<slug:slug>.csv", views.dashboard_csv, name="dashboard_csv"),
    path("evidence/", views.evidence_pack, name="evidence"),
    path("evidence/build/", views.evidence_build, name="evidence_build"),
    path("evidence/evidence-pack.zip", views.evidence_bundle, name="evidence_bundle"),
    path("evidence/evidence-pack.pdf", views.evidence_pdf, name="evidence_pdf"),
    path("evidence/analyses/", views.analyses, name="analyses"),
    path("place/agreement/", place.agreement, name="agreement"),
    path("place/agreement/sign/", place.SignatoryCreate.as_view(), name="agreement_sign"),
    path("place/maps/", place.maps, name="maps"),
    path("place/maps/<slug:layer>/", place.maps, name="map"),
]
