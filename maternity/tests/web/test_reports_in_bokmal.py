"""The reports, the data quality page, the SFH chart and the printed notes in Bokmål: a midwife whose page
is in Norwegian reads Norwegian words, Norwegian dates ("4. des. 2026") and decimal commas, on the page, in
the charts, in the CSV headers and in the PDF; what programs read (ISO dates in the CSV, data attributes, the
audit trail) stays the same in every language."""

import csv
import io
from datetime import date

import pytest
from django.utils import translation
from pypdf import PdfReader

from maternity import services
from maternity.charts.sfh import sfh_chart_svg, sfh_points
from maternity.http.pdf import printing_unavailable
from maternity.models import AccessLog
from maternity.rules import data_quality
from maternity.rules.resources import RESOURCE_TYPES

from .conftest import midwife
from .factories import add_sfh, edd_at, make_pregnancy

NB = {"Accept-Language": "nb"}
PERIOD = "from=2026-12-04&to=2026-12-31"


@pytest.fixture(autouse=True)
def the_default_language():
    """A request in nb leaves nb active in this thread (LocaleMiddleware does not undo it): start each test
    in the default language and leave it so, whatever ran before or runs after."""
    translation.deactivate()
    yield
    translation.deactivate()


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_reports_page_in_bokmal_has_norwegian_words_dates_and_chart_labels(web_a, actor_a):
    make_pregnancy(actor_a, edd=edd_at(30))
    response = web_a.get(f"/reports/?{PERIOD}", headers=NB)
    content = flat(response.content.decode())
    assert '<html lang="nb">' in content
    assert "<h1>Rapporter</h1>" in content
    assert "Fødsler, 4. des. 2026 – 31. des. 2026" in content
    assert '<title id="chart-expected-title">Forventede fødsler per uke, de neste 12 ukene</title>' in content
    assert "Uke (etter fastsatt termin)</text>" in content  # the x axis of the chart
    assert (
        'id="chart-outcome-desc">Levende født: 0 fødsler; Dødfødt: 0 fødsler; Ikke registrert: 0 fødsler.'
        in (content)
    )
    assert "Under 10 uker" in content and "Barn som har gått ned mer enn 10 % av fødselsvekten" in content
    assert "Last ned som CSV" in content
    assert "Live figures" not in content and "Expected births" not in content


def test_a_csv_downloaded_from_a_bokmal_page_has_norwegian_headers_and_iso_dates(web_a, actor_a):
    make_pregnancy(actor_a, edd=edd_at(30))
    summary = web_a.get(f"/reports/?{PERIOD}&export=summary.csv", headers=NB)
    rows = list(csv.reader(io.StringIO(summary.content.decode())))
    assert rows[0] == ["Tall", "Verdi"]
    assert ["Periode fra", "2026-12-04"] in rows and ["Pågående svangerskap", "1"] in rows
    weights = web_a.get(f"/reports/?{PERIOD}&export=postnatal.csv", headers=NB)
    assert "Barn som har gått ned mer enn 10 % av fødselsvekten" in weights.content.decode()


def test_the_data_quality_page_in_bokmal_names_the_rules_in_norwegian_with_a_decimal_comma(web_a, actor_a):
    make_pregnancy(actor_a, edd=edd_at(30))
    content = flat(web_a.get("/reports/data-quality/", headers=NB).content.decode())
    assert "<h1>Datakvalitet</h1>" in content
    assert "Blodtype mangler" in content and "KMI, høyde eller vekt før svangerskapet mangler" in content
    assert "Både ABO-blodtype og RhD-type er registrert" in content  # what the rule checks
    (result,) = web_a.get("/reports/data-quality/", headers=NB).context["page"].object_list
    shown = f"{result.completeness:.1f}".replace(".", ",")
    assert f"{shown}%" in content  # a decimal comma...
    assert f'data-completeness="{result.completeness}"' in content  # ...but not in what a program reads
    records = web_a.get("/reports/data-quality/?export=records.csv", headers=NB).content.decode()
    assert records.splitlines()[0].startswith('"Journal","Navn","Fødselsnummer","Fullstendighet (%)"')


def test_the_audit_trail_stays_english_when_the_page_is_bokmal(web_a, actor_a):
    web_a.get("/reports/data-quality/", headers=NB)
    assert AccessLog.objects.get().detail.startswith("Data quality of ")


def test_each_rules_description_is_its_checks_docstring():
    for rule in data_quality.RULES:
        assert rule.description == " ".join((rule.check.__doc__ or "").split()), rule.code


def test_the_sfh_chart_in_bokmal_has_norwegian_axes_centiles_and_dates(actor_a):
    record = make_pregnancy(actor_a, edd=date(2027, 2, 25))  # 4 Dec 2026 is 28+1
    add_sfh(actor_a, record, on=date(2026, 12, 4), cm=28)
    with translation.override("nb"):
        measurements = getattr(record, RESOURCE_TYPES["symphysisFundalHeights"].accessor).all()
        points = sfh_points(measurements, agreed_edd=record.agreed_edd)
        svg = str(sfh_chart_svg(points, chart_id="nb"))
    assert "Svangerskapslengde (uker)</text>" in svg and "Symfyse-fundus-mål (cm)</text>" in svg
    assert "<title>28 cm ved 28+1 uker (4. des. 2026): " in svg
    assert ">97.</text>" in svg and "linjer: 3., 10., 50., 90. og 97. persentil" in svg
    assert "1 måling tegnet inn fra 28+1 til 28+1 uker." in svg


@pytest.mark.skipif(
    printing_unavailable() is not None, reason="the printed notes need WeasyPrint's libraries"
)
def test_the_printed_notes_are_in_bokmal_for_a_midwife_whose_page_is_bokmal(record, location_a):
    browser, actor = midwife("kari", location_a)
    services.resource_create(
        record_id=record.pk, resource_type="mother", data={"name": "Nora Hansen"}, actor=actor
    )
    services.resource_create(
        record_id=record.pk,
        resource_type="antenatalAppointments",
        data={"appointment_date": date(2026, 12, 4), "blood_pressure": "118/76", "mother_weight": 71.5},
        actor=actor,
    )
    response = browser.get(f"/records/{record.pk}/notes.pdf", headers=NB)
    assert response.status_code == 200
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]
    text = flat(" ".join(pages))
    assert "Helsekort for gravide" in text
    assert "Personalia" in text and "Svangerskapskontroller" in text and "Fødselsplan" in text
    assert "4. des. 2026" in text and "71,5" in text  # a Norwegian date and a decimal comma
    assert "Ikke registrert: ingen målinger ennå." in text  # no SFH measured yet
    assert f"Side 1 av {len(pages)}" in text and "Skrevet ut " in text
