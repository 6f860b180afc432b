"""The symphysis-fundal height chart on its own page, large enough to read and to print, with the table
of measurements and their centiles."""

from django.shortcuts import render

from maternity.charts.sfh import sfh_chart_svg, sfh_points
from maternity.rules.resources import RESOURCE_TYPES

from ...models import AccessAction
from .record import (
    form_queryset,
    load_record,
    record_brief,
    record_view,
    section_url,
    sfh_rows,
    write_refusal,
)

SFH = RESOURCE_TYPES["symphysisFundalHeights"]


@record_view(AccessAction.READ)
def sfh_chart(request, record_id):
    record = load_record(request, record_id, queryset=form_queryset().prefetch_related(SFH.accessor))
    request.audit.resource_type = SFH.name
    measurements = list(getattr(record, SFH.accessor).all())
    points = sfh_points(measurements, agreed_edd=record.agreed_edd)
    context = {
        "record": record,
        "brief": record_brief(record),
        "svg": sfh_chart_svg(points),
        "sfh_rows": sfh_rows(record, request.actor, points),
        "add_url": section_url(record, SFH, "item-add")
        if write_refusal(record, SFH, request.actor) is None
        else "",
        "history_url": section_url(record, SFH, "section-history"),
        "in_error": sum(1 for m in measurements if m.entered_in_error),
    }
    return render(request, "maternity/record/sfh.html", context)
