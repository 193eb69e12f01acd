"""Form pages for a household's interventions and referrals, under its path (its page is casework's)."""

from django.urls import path

from . import views

app_name = "interventions"

urlpatterns = [
    path(
        "households/<int:household_pk>/interventions/new/",
        views.InterventionCreate.as_view(),
        name="intervention_add",
    ),
    path(
        "households/<int:household_pk>/interventions/<int:pk>/edit/",
        views.InterventionEdit.as_view(),
        name="intervention_edit",
    ),
    path("households/<int:household_pk>/referrals/new/", views.ReferralCreate.as_view(), name="referral_add"),
    path(
        "households/<int:household_pk>/referrals/<int:pk>/edit/",
        views.ReferralEdit.as_view(),
        name="referral_edit",
    ),
]
