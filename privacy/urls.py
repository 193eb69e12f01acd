from django.urls import path

from .views import access, agreements, requests, reviews

app_name = "privacy"

urlpatterns = [
    path("privacy/", access.workspace, name="workspace"),
    path("privacy/access-log/", access.access_log, name="access_log"),
    path("privacy/access-log.csv", access.access_log_csv, name="access_log_csv"),
    path("privacy/break-glass/", reviews.break_glass_list, name="break_glass"),
    path("privacy/break-glass/<int:pk>/", reviews.break_glass_review, name="break_glass_review"),
    path("privacy/requests/", requests.request_list, name="requests"),
    path("privacy/requests/new/", requests.request_new, name="request_new"),
    path("privacy/requests/<int:pk>/", requests.request_detail, name="request"),
    path("privacy/requests/<int:pk>/release.zip", requests.request_download, name="request_download"),
    path("privacy/retention/", reviews.retention_list, name="retention"),
    path("privacy/retention/<int:pk>/propose/", reviews.retention_propose, name="retention_propose"),
    path("privacy/retention/actions/<int:pk>/", reviews.retention_action, name="retention_action"),
    path("privacy/agreements/", agreements.agreement_list, name="agreements"),
    path("privacy/agreements/new/", agreements.agreement_new, name="agreement_new"),
    path("privacy/agreements/partners/<int:pk>/", agreements.disclosure_report, name="disclosure"),
]
