"""The record page, editing its sections (version conflicts included), list items, history, and the printed
notes."""

from django.urls import path

from .views import history, notes, record, restricted, sections, sfh

SECTION = "records/<uuid:record_id>/sections/<str:resource_type>/"

urlpatterns = [
    path("records/<uuid:record_id>/", record.record_page, name="record"),
    path("records/<uuid:record_id>/sfh/", sfh.sfh_chart, name="sfh-chart"),
    path("records/<uuid:record_id>/notes.pdf", notes.notes_pdf, name="printed-notes"),
    path(SECTION, sections.section_edit, name="section-edit"),
    path(f"{SECTION}history/", history.section_history, name="section-history"),
    path(f"{SECTION}new/", sections.item_add, name="item-add"),
    path(f"{SECTION}<uuid:item_id>/", sections.item_edit, name="item-edit"),
    path(f"{SECTION}<uuid:item_id>/entered-in-error/", sections.item_error, name="item-error"),
    path(f"{SECTION}restrict/", restricted.section_restrict, name="section-restrict"),
    path(f"{SECTION}<uuid:item_id>/restrict/", restricted.item_restrict, name="item-restrict"),
    path(
        "records/<uuid:record_id>/restrictions/<int:restriction_id>/open/",
        restricted.restricted_open,
        name="restricted-open",
    ),
    path(
        "records/<uuid:record_id>/restrictions/<int:restriction_id>/lift/",
        restricted.restriction_lift,
        name="restriction-lift",
    ),
]
