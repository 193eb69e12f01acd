"""Mounted at the site root: /imports/ for the import pages."""

from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("imports/", views.batch_list, name="list"),
    path("imports/new/", views.upload, name="upload"),
    path("imports/columns/<slug:kind>.csv", views.columns_csv, name="columns_csv"),
    path("imports/<int:pk>/", views.batch_detail, name="detail"),
    path("imports/<int:pk>/commit/", views.commit, name="commit"),
    path("imports/<int:pk>/problems.csv", views.problems_csv, name="problems_csv"),
]
