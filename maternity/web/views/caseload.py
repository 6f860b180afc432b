"""The caseload: the active pregnancies the Care Location looks after, with what needs attention."""

from urllib.parse import urlencode

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maternity.database.replicas import lag_tolerant
from maternity.reads.caseload import DEFAULT_SORT, MAX_SEARCH, SORT_COLUMNS, caseload_page, clean_sort

from ...models import AccessAction
from ..acting import professional_view

SORT_WORDS = {
    "name": (_("name, A to Z"), _("name, Z to A")),
    "gestation": (_("gestation, fewest weeks first"), _("gestation, most weeks first")),
    "edd": (_("agreed EDD, soonest first"), _("agreed EDD, latest first")),
    "next": (_("next appointment, soonest first"), _("next appointment, latest first")),
}


def _sort_links(*, search: str, sort: str) -> dict[str, dict]:
    """For each sortable column: the link that sorts by it (again: the other way round) and, for the
    current one, its direction (for aria-sort)."""
    links = {}
    for key in SORT_COLUMNS:
        current = sort.lstrip("-") == key
        descending = sort.startswith("-")
        target = (key if descending else f"-{key}") if current else key
        query = {"sort": target, **({"q": search} if search else {})}
        links[key] = {
            "url": f"?{urlencode(query)}",
            "direction": ("descending" if descending else "ascending") if current else "",
        }
    return links


@lag_tolerant
@professional_view(AccessAction.LIST)
def caseload(request):
    now = timezone.now()
    today = timezone.localdate(now)
    search = request.GET.get("q", "").strip()[:MAX_SEARCH]
    sort = clean_sort(request.GET.get("sort"))
    page, rows = caseload_page(
        actor=request.actor, now=now, search=search, sort=sort, page=request.GET.get("page")
    )
    request.audit.detail = " ".join(
        filter(
            None,
            [
                f"Caseload page {page.number} of {page.paginator.num_pages}: {len(rows)} of "
                f"{page.paginator.count} active pregnancies.",
                f"Search: {search!r}." if search else "",
            ],
        )
    )
    keep = {**({"q": search} if search else {}), **({"sort": sort} if sort != DEFAULT_SORT else {})}
    return render(
        request,
        "maternity/caseload.html",
        {
            "nav": "caseload",
            "page": page,
            "rows": rows,
            "search": search,
            "sort": sort,
            "default_sort": DEFAULT_SORT,
            "sort_links": _sort_links(search=search, sort=sort),
            "sort_label": SORT_WORDS[sort.lstrip("-")][sort.startswith("-")],
            "page_query": urlencode(keep),
            "today": today,
        },
    )
