"""Form pages for a household's interventions and referrals, under its path (its page is casework's)."""

from django.urls import path

from . import inbox, views

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
        "households/<int:household_pk>/sharing/extend/",
        views.BasisExtend.as_view(),
        name="basis_extend",
    ),
    path("referrals/inbox/", inbox.inbox, name="inbox"),
    path("referrals/inbox/<int:pk>/accept/", inbox.ReferralAccept.as_view(), name="referral_accept"),
    path("referrals/inbox/<int:pk>/decline/", inbox.ReferralDecline.as_view(), name="referral_decline"),
    path(
        "households/<int:household_pk>/referrals/<int:pk>/edit/",
        views.ReferralEdit.as_view(),
        name="referral_edit",
    ),
]
