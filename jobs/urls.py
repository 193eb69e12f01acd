"""Mounted at the site root: /jobs/<id>/status.json."""

from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("jobs/<int:pk>/status.json", views.job_status, name="status"),
]
