from django.urls import path

from . import views

app_name = "casework"

# Included after households.urls and interventions.urls (taskforce/urls.py): a section name is any slug, so
# their paths under households/<id>/ must be tried first.
urlpatterns = [
    path("households/<int:pk>/", views.household_page, name="household"),
    path("households/<int:pk>/<slug:section>/", views.household_page, name="section"),
]
