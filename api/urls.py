"""REST API under /api/v1/, its OpenAPI 3 schema and interactive docs (served from local static files)."""

from django.http import HttpRequest, JsonResponse
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import aggregates, imports
from .views import (
    analyses,
    casework,
    casework_records,
    governance,
    housing,
    licensing,
    people_links,
    place,
    privacy,
    records,
    reference,
)

router = DefaultRouter()
router.register("areas", reference.AreaViewSet, basename="area")
router.register("agencies", reference.AgencyViewSet, basename="agency")
router.register("staff", reference.StaffViewSet, basename="staff")
router.register("households", casework.HouseholdViewSet, basename="household")
router.register("people", casework.PersonViewSet, basename="person")
router.register("memberships", casework.MembershipViewSet, basename="membership")
router.register("residences", casework.ResidenceViewSet, basename="residence")
router.register("data-sharing-bases", casework.DataSharingBasisViewSet, basename="datasharingbasis")
router.register("placements", casework.PlacementViewSet, basename="placement")
router.register("properties", housing.PropertyViewSet, basename="property")
router.register("licences", housing.LicenceViewSet, basename="licence")
router.register("inspections", housing.InspectionViewSet, basename="inspection")
router.register("hazard-findings", housing.HazardFindingViewSet, basename="hazardfinding")
router.register("enforcement-actions", housing.EnforcementActionViewSet, basename="enforcementaction")
router.register("designations", licensing.DesignationViewSet, basename="designation")
router.register("public-register", licensing.PublicRegisterViewSet, basename="publicregister")
router.register("services", reference.ServiceViewSet, basename="service")
router.register("interventions", casework.InterventionViewSet, basename="intervention")
router.register("referrals/inbox", people_links.ReferralInboxViewSet, basename="referralinbox")
router.register("referrals", casework.ReferralViewSet, basename="referral")
router.register("person-links", people_links.PersonLinkViewSet, basename="personlink")
router.register("possible-duplicates", people_links.PossibleDuplicateViewSet, basename="possibleduplicate")
router.register("case-notes", casework_records.CaseNoteViewSet, basename="casenote")
router.register("assessments", casework_records.AssessmentViewSet, basename="assessment")
router.register("case-plans", casework_records.CasePlanViewSet, basename="caseplan")
router.register("plan-reviews", casework_records.ReviewViewSet, basename="review")
router.register("plan-goals", casework_records.GoalViewSet, basename="goal")
router.register("plan-actions", casework_records.PlanActionViewSet, basename="planaction")
router.register("tasks", casework_records.TaskViewSet, basename="task")
router.register("benefit-records", records.BenefitRecordViewSet, basename="benefitrecord")
router.register("area-statistics", records.AreaStatisticViewSet, basename="areastatistic")
router.register("jobs", analyses.JobViewSet, basename="job")
router.register("tokens", governance.ApiTokenViewSet, basename="token")
router.register("audit", governance.AccessLogViewSet, basename="audit")
router.register("break-glass", governance.BreakGlassViewSet, basename="breakglass")
router.register("subject-access", governance.SubjectAccessViewSet, basename="subjectaccess")
router.register("imports", imports.ImportBatchViewSet, basename="importbatch")
router.register("analysis-runs", analyses.AnalysisRunViewSet, basename="analysisrun")
router.register("retention", governance.RetentionViewSet, basename="retention")
router.register("aggregates", aggregates.AggregateViewSet, basename="aggregate")
router.register(
    "subject-access-requests", privacy.SubjectAccessRequestViewSet, basename="subjectaccessrequest"
)
router.register("sharing-agreements", privacy.SharingAgreementViewSet, basename="sharingagreement")
router.register("placing-authorities", place.PlacingAuthorityViewSet, basename="placingauthority")
router.register("agreement-signatories", place.AgreementSignatoryViewSet, basename="agreementsignatory")
router.register("boundaries", place.BoundaryViewSet, basename="boundary")
router.register("s208-notices", place.S208NoticeViewSet, basename="s208notice")


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
