"""The task list: what the signed-in midwife's Care Location has to do for its records, most urgent
first (`maternity.reads.tasks`)."""

from django.shortcuts import render
from django.utils import timezone

from maternity.reads.tasks import task_page

from ...models import AccessAction
from ..acting import professional_view


@professional_view(AccessAction.LIST)
def tasks(request):
    page = task_page(actor=request.actor, now=timezone.now(), page=request.GET.get("page"))
    records = {task.record.pk for task in page.object_list}
    request.audit.detail = (
        f"Task list page {page.number} of {page.paginator.num_pages}: {len(page.object_list)} of "
        f"{page.paginator.count} tasks, for {len(records)} records."
    )
    return render(request, "maternity/tasks.html", {"nav": "tasks", "page": page, "tasks": page.object_list})
