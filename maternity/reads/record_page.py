"""The record as the pages show it (the midwives' record page and the pregnant person's): one query for the
record, its person, its locations and every singleton, and one more per list type."""

from django.db.models import Prefetch, QuerySet

from maternity.models import CareLocationEpisode, Pregnancy
from maternity.rules.resources import LISTS, SINGLETONS


def record_page_queryset(*, without: frozenset[str] = frozenset()) -> QuerySet[Pregnancy]:
    """The record, its person, its locations and every singleton in one query; one more per list type
    (except the list types named in `without`, which the page does not show). However many appointments,
    measurements or versions the record has, the page costs the same."""
    lists = [
        Prefetch(rt.accessor, queryset=CareLocationEpisode.objects.select_related("care_location"))
        if rt.name == "careLocations"
        else rt.accessor
        for rt in LISTS
        if rt.name not in without
    ]
    return Pregnancy.objects.select_related(
        "person", "active_care_location", *[rt.accessor for rt in SINGLETONS]
    ).prefetch_related(*lists)
