from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from households.views.register import public_register

from . import views
from .org.auth_views import two_factor_setup, two_factor_verify

admin.site.site_header = "Margate Task Force administration"
admin.site.site_title = "Margate Task Force"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", auth_views.LoginView.as_view(template_name="taskforce/login.html"), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/set-up/", two_factor_setup, name="two_factor_setup"),
    path("two-factor/verify/", two_factor_verify, name="two_factor_verify"),
    path("health/", views.health, name="health"),
    # The one page open without signing in: the statutory public register of licences (Housing Act 2004 s232).
    path("public-register/", public_register, name="public_register"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("", include("outcomes.urls")),
    path("", include("households.urls")),
    path("", include("interventions.urls")),
    # After the two above: a section of the household page is any slug under households/<id>/.
    path("", include("casework.urls")),
    path("", include("imports.urls")),
    path("", include("jobs.urls")),
    path("", include("privacy.urls")),
]
