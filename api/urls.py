"""REST API under /api/v1/, its OpenAPI 3 schema and interactive docs (served from local static files)."""

from django.http import HttpRequest, JsonResponse
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import aggregates, imports, views

router = DefaultRouter()
router.register("areas", views.AreaViewSet, basename="area")
router.register("agencies", views.AgencyViewSet, basename="agency")
router.register("staff", views.StaffViewSet, basename="staff")
router.register("households", views.HouseholdViewSet, basename="household")
router.register("people", views.PersonViewSet, basename="person")
router.register("memberships", views.MembershipViewSet, basename="membership")
router.register("residences", views.ResidenceViewSet, basename="residence")
router.register("data-sharing-bases", views.DataSharingBasisViewSet, basename="datasharingbasis")
router.register("placements", views.PlacementViewSet, basename="placement")
router.register("properties", views.PropertyViewSet, basename="property")
router.register("licences", views.LicenceViewSet, basename="licence")
router.register("inspections", views.InspectionViewSet, basename="inspection")
router.register("hazard-findings", views.HazardFindingViewSet, basename="hazardfinding")
router.register("enforcement-actions", views.EnforcementActionViewSet, basename="enforcementaction")
router.register("services", views.ServiceViewSet, basename="service")
router.register("interventions", views.InterventionViewSet, basename="intervention")
router.register("referrals", views.ReferralViewSet, basename="referral")
router.register("benefit-records", views.BenefitRecordViewSet, basename="benefitrecord")
router.register("area-statistics", views.AreaStatisticViewSet, basename="areastatistic")
router.register("jobs", views.JobViewSet, basename="job")
router.register("tokens", views.ApiTokenViewSet, basename="token")
router.register("audit", views.AccessLogViewSet, basename="audit")
router.register("break-glass", views.BreakGlassViewSet, basename="breakglass")
router.register("subject-access", views.SubjectAccessViewSet, basename="subjectaccess")
router.register("imports", imports.ImportBatchViewSet, basename="importbatch")
router.register("analysis-runs", views.AnalysisRunViewSet, basename="analysisrun")
router.register("retention", views.RetentionViewSet, basename="retention")
router.register("aggregates", aggregates.AggregateViewSet, basename="aggregate")


@csrf_exempt  # a 404 is the answer whatever the method; a CSRF refusal would be an HTML page instead
def not_found(request: HttpRequest) -> JsonResponse:
    """Any other path under /api/v1/ (an id that is not a number, say) is a JSON 404 like the rest."""
    return JsonResponse({"detail": "Not found."}, status=404)


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file, which the Content Security Policy allows.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
    *router.urls,
    re_path(r"", not_found),
]
