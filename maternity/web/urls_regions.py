"""A region's reports and data quality, for its viewers (maternity/web/views/regions.py)."""

from django.urls import path

from .views import regions

urlpatterns = [
    path("regions/", regions.region_list, name="regions"),
    path("regions/<slug:code>/", regions.region_reports, name="region-reports"),
    path("regions/<slug:code>/data-quality/", regions.region_quality, name="region-quality"),
]
