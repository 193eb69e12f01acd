"""REST API under /api/v1/. Endpoints register on this router."""

from rest_framework.routers import DefaultRouter

router = DefaultRouter()

urlpatterns = router.urls
