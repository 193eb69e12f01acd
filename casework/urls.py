from django.urls import path

from . import record_views as r
from . import views, work_views

app_name = "casework"

# The household sections are included after households.urls and interventions.urls (taskforce/urls.py): a
# section name is any slug, so their paths under households/<id>/ must be tried first.
urlpatterns = [
    path("my-work/", work_views.my_work, name="my_work"),
    path("tasks/new/", work_views.TaskCreate.as_view(), name="task_add"),
    path("tasks/<int:pk>/done/", work_views.task_done, name="task_done"),
    path("case-plans/coverage/", work_views.coverage, name="coverage"),
    path(
        "households/<int:household_pk>/assessments/new/", r.AssessmentCreate.as_view(), name="assessment_add"
    ),
    path("households/<int:household_pk>/assessments/<int:pk>/plan/", r.PlanCreate.as_view(), name="plan_add"),
    path("households/<int:household_pk>/plans/<int:pk>/goals/new/", r.GoalCreate.as_view(), name="goal_add"),
    path(
        "households/<int:household_pk>/plans/<int:pk>/reviews/new/",
        r.ReviewCreate.as_view(),
        name="review_add",
    ),
    path(
        "households/<int:household_pk>/goals/<int:pk>/actions/new/",
        r.ActionCreate.as_view(),
        name="action_add",
    ),
    path(
        "households/<int:household_pk>/actions/<int:pk>/done/",
        r.ActionDone.as_view(),
        name="action_done",
    ),
    path(
        "households/<int:household_pk>/goals/<int:pk>/progress/",
        r.GoalProgress.as_view(),
        name="goal_progress",
    ),
    path(
        "households/<int:household_pk>/goals/<int:pk>/sustained/",
        r.SustainCheckCreate.as_view(),
        name="sustain_check",
    ),
    path("households/<int:household_pk>/close/", r.CaseClose.as_view(), name="close"),
    path("households/<int:household_pk>/notes/new/", r.CaseNoteCreate.as_view(), name="note_add"),
    path("households/<int:pk>/", views.household_page, name="household"),
    path("households/<int:pk>/<slug:section>/", views.household_page, name="section"),
]
