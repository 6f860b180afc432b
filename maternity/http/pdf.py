"""PDF documents the project prints (the hand-held notes), made from HTML by WeasyPrint, and the response
that carries one to the browser.

WeasyPrint lays out HTML and CSS for paper (page sizes, margins, running footers, "page x of y", table
headers repeated on each page) with no browser. It is given the HTML and its stylesheet as text and
fetches nothing else: every URL it would follow (an image, a font, a stylesheet named in the document) is
refused, so text typed into a record can never make the server request anything. It needs Debian's pango
library (`libpango-1.0-0`, `libpangoft2-1.0-0`) and fonts (`fonts-dejavu-core`, `fonts-liberation`).

Where those libraries are missing, `printing_unavailable()` says why: the print view answers 503 with that
reason instead of failing, and `manage.py check --deploy` warns (maternity.W002).

The response is inline (the browser shows it; its print button prints it), never cached by the browser or
a proxy, and its filename carries no personal data: a downloads folder is not a place for national IDs.
"""

from functools import cache
from pathlib import Path

from django.contrib.staticfiles import finders
from django.http import HttpResponse


def static_text(path: str) -> str:
    """A file of the static folders (e.g. "maternity/printed-notes.css"), read from the source tree."""
    found = finders.find(path)
    if not found:
        raise FileNotFoundError(path)
    return Path(str(found)).read_text(encoding="utf-8")


PRINTING_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core"


@cache
def printing_unavailable() -> str | None:
    """Why PDFs cannot be made on this server (WeasyPrint or the system libraries it loads are missing),
    or None when they can."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as error:
        return f"WeasyPrint cannot load ({type(error).__name__}: {str(error)[:200]})"
    return None


def html_to_pdf(html: str, *, stylesheet: str) -> bytes:
    """The HTML laid out by `stylesheet` (CSS text), as PDF bytes."""
    # Imported here: only a print loads WeasyPrint and pango, not every process that imports the pages.
    import weasyprint

    refuse = _no_fetching()
    return weasyprint.HTML(string=html, url_fetcher=refuse).write_pdf(
        stylesheets=[weasyprint.CSS(string=stylesheet, url_fetcher=refuse)]
    )


@cache
def _no_fetching():
    """A URL fetcher that fetches nothing (WeasyPrint warns and leaves the resource out)."""
    from weasyprint.urls import URLFetcher

    class NoFetching(URLFetcher):
        def fetch(self, url, headers=None):
            raise ValueError(f"The PDF fetches nothing: {url[:80]}")

    return NoFetching()


def pdf_response(pdf: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
