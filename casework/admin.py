from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Assessment,
    CaseNote,
    CasePlan,
    Goal,
    HeadlineOutcome,
    PlanAction,
    Review,
    SustainCheck,
    Task,
)


@admin.register(HeadlineOutcome)
class HeadlineOutcomeAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "code"]
    search_fields = ["name", "code"]


@admin.register(Assessment)
class AssessmentAdmin(SimpleHistoryAdmin):
    list_display = ["household", "assessed_on", "agency"]
    raw_id_fields = ["household", "assessor"]
    search_fields = ["household__case_reference"]


class GoalInline(admin.TabularInline):
    model = Goal
    extra = 0


@admin.register(CasePlan)
class CasePlanAdmin(SimpleHistoryAdmin):
    list_display = ["household", "agreed_on", "next_review_on", "status"]
    list_filter = ["status"]
    raw_id_fields = ["household", "assessment"]
    search_fields = ["household__case_reference"]
    inlines = [GoalInline]


@admin.register(Goal)
class GoalAdmin(SimpleHistoryAdmin):
    list_display = ["description", "outcome", "status", "review_on"]
    list_filter = ["status", "outcome"]
    raw_id_fields = ["plan"]
    search_fields = ["description"]


@admin.register(PlanAction)
class PlanActionAdmin(SimpleHistoryAdmin):
    list_display = ["description", "agency", "due_on", "done_on"]
    raw_id_fields = ["goal"]
    search_fields = ["description"]


@admin.register(Review)
class ReviewAdmin(SimpleHistoryAdmin):
    list_display = ["plan", "reviewed_on", "next_review_on"]
    raw_id_fields = ["plan", "reviewer"]
    search_fields = ["plan__household__case_reference"]


@admin.register(SustainCheck)
class SustainCheckAdmin(SimpleHistoryAdmin):
    list_display = ["goal", "months", "checked_on", "sustained"]
    raw_id_fields = ["goal"]
    search_fields = ["goal__description"]


@admin.register(CaseNote)
class CaseNoteAdmin(SimpleHistoryAdmin):
    list_display = ["household", "contact_on", "kind", "agency", "sensitive"]
    list_filter = ["kind", "sensitive"]
    raw_id_fields = ["household", "author"]
    search_fields = ["household__case_reference"]


@admin.register(Task)
class TaskAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "due_on", "status", "assignee", "team"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["household", "property", "assignee", "done_by", "created_by"]
    search_fields = ["title"]
