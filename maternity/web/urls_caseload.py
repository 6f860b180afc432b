"""The caseload, finding a pregnancy by its keys, and creating one."""

from django.urls import path

from .views import caseload, create, finding

urlpatterns = [
    path("", caseload.caseload, name="caseload"),
    path("find/", finding.find, name="find"),
    path("new/", create.create, name="create"),
]
