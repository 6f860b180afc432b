"""Reports and data quality for the acting Care Location."""

from django.urls import path

from .views import reports

urlpatterns = [
    path("reports/", reports.reports_page, name="reports"),
    path("reports/data-quality/", reports.data_quality_page, name="data-quality"),
]
