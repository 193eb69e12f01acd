"""Included by households.urls under households/<household_pk>/."""

from django.urls import path

from . import views

urlpatterns = [
    path("interventions/new/", views.InterventionCreate.as_view(), name="intervention_add"),
    path("interventions/<int:pk>/edit/", views.InterventionEdit.as_view(), name="intervention_edit"),
    path("referrals/new/", views.ReferralCreate.as_view(), name="referral_add"),
    path("referrals/<int:pk>/edit/", views.ReferralEdit.as_view(), name="referral_edit"),
]
