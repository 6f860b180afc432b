"""A region's reports and data quality pages: who may read them (its viewers and the national
administration; everyone else is told it does not exist), small numbers suppressed on the page and in the
CSV (primary and secondary), nothing that identifies a person, the audit, bad input, and the cost in
queries."""

import csv
import html
import io
import re
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from conftest import fetch_token, new_nin
from maternity import services
from maternity.models import AccessAction, AccessLog, AccessOutcome
from maternity.reads import regional, reports
from maternity.tests.conftest import make_user

from .conftest import midwife, practitioner, signed_in
from .factories import actor_for, edd_at, make_pregnancy

REPORTS = "/regions/midt/"
QUALITY = "/regions/midt/data-quality/"
PAGES = [REPORTS, QUALITY]
EXPORTS = [f"{REPORTS}?export=summary.csv", f"{QUALITY}?export=rules.csv"]
BORN = date(1991, 2, 3)


@pytest.fixture
def viewer(db):
    """A regional viewer: no practitioner profile, no Care Location."""
    return make_user("regional_viewer")


@pytest.fixture
def region(location_a, location_b, viewer, superuser):
    return services.region_create(
        name="Helse Midt-Norge",
        code="midt",
        care_locations=[location_a, location_b],
        viewers=[viewer],
        by=superuser,
    )


@pytest.fixture
def other_region(location_c, superuser):
    other = make_user("other_viewer")
    services.region_create(
        name="Helse Vest", code="vest", care_locations=[location_c], viewers=[other], by=superuser
    )
    return other


@pytest.fixture
def web_viewer(viewer):
    return signed_in(viewer)


def row(response, table: str, key: str) -> list[str]:
    """The cells of a table's row as the page shows them (the label first)."""
    content = response.content.decode()
    section = re.search(rf'data-table="{table}".*?</section>', content, re.S)
    assert section, table
    found = re.search(rf'<tr data-row="{key}">(.*?)</tr>', section.group(0), re.S)
    assert found, key
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", found.group(1), re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells]


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def pregnancies(actor, n: int, *, name: str = "Ada Nordmann"):
    return [make_pregnancy(actor, name=name, edd=edd_at(30)) for _ in range(n)]


# --- who may read them ------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", PAGES)
def test_a_viewer_of_the_region_reads_its_pages(web_viewer, region, url):
    response = web_viewer.get(url)
    assert response.status_code == 200
    assert "Helse Midt-Norge" in response.content.decode()


@pytest.mark.parametrize("url", PAGES + EXPORTS)
def test_a_superuser_reads_every_region(superuser, region, url):
    assert signed_in(superuser).get(url).status_code == 200


@pytest.mark.parametrize("url", PAGES + EXPORTS)
def test_signed_out_is_sent_to_sign_in(client, region, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


@pytest.mark.parametrize("url", PAGES + EXPORTS)
def test_a_midwife_of_a_location_in_the_region_gets_404(web_a, region, url):
    response = web_a.get(url)
    assert response.status_code == 404
    assert "Helse Midt" not in response.content.decode()


@pytest.mark.parametrize("url", PAGES + EXPORTS)
def test_a_location_admin_gets_404(admin_a, region, url):
    assert signed_in(admin_a).get(url).status_code == 404


@pytest.mark.parametrize("url", PAGES + EXPORTS)
def test_a_viewer_of_another_region_gets_404(other_region, region, url):
    assert signed_in(other_region).get(url).status_code == 404


def test_a_region_that_does_not_exist_is_404_like_one_she_may_not_read(web_viewer, region):
    unknown = web_viewer.get("/regions/nowhere/")
    assert unknown.status_code == 404
    assert "There is no region with that code that you may see." in unknown.content.decode()


@pytest.mark.parametrize("url", PAGES + EXPORTS)
def test_a_client_system_token_gives_no_access(client_a, region, url):
    token = fetch_token(client_a.client_id, client_a.client_secret)
    response = Client().get(url, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_removed_viewer_gets_404(web_viewer, region, superuser, location_a):
    services.region_update(
        region=region,
        name=region.name,
        code=region.code,
        care_locations=[location_a],
        viewers=[],
        by=superuser,
    )
    assert web_viewer.get(REPORTS).status_code == 404


# --- how she reaches them --------------------------------------------------------------------------------


def test_a_viewer_who_is_not_a_practitioner_is_sent_to_her_regions_after_sign_in(viewer, region):
    browser = signed_in(viewer)
    response = browser.get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/regions/"
    content = response.content.decode()
    assert 'href="/regions/midt/"' in content and "Helse Midt-Norge" in content
    assert "Regional reports</a>" in content  # the header offers them


def test_a_midwife_who_is_also_a_viewer_finds_her_regions_on_the_choose_location_page_and_the_header(
    location_a, region
):
    user = practitioner("both", location_a)
    region.viewers.add(user)
    browser = signed_in(user)  # signing in remembers she reads a region
    choose = browser.get("/location/").content.decode()
    assert 'href="/regions/midt/"' in choose
    caseload = browser.get("/").content.decode()
    assert '<a href="/regions/">Regional reports</a>' in caseload


def test_a_midwife_who_reads_no_region_is_not_offered_them(web_a, region):
    assert "/regions/" not in web_a.get("/").content.decode()
    assert web_a.get("/regions/").status_code == 200  # an empty list, nothing more
    assert "Helse Midt" not in web_a.get("/regions/").content.decode()


# --- the figures and their suppression -------------------------------------------------------------------


def test_the_figures_of_each_location_are_its_own_reports_figures(location_a, location_b, region, actor_a):
    actor_b = actor_for(practitioner("ingrid2", location_b), location_b)
    pregnancies(actor_a, 6)
    pregnancies(actor_b, 2)
    today, period = date.today(), reports.Period(date(2025, 1, 1), date.today())
    grouped = reports.figures_by_location([location_a.pk, location_b.pk], today=today, period=period)
    for location in (location_a, location_b):
        own = reports.location_report(location, today=today, period=period)
        assert grouped[location.pk].active == own.active
        assert grouped[location.pk].expected == own.expected
        assert grouped[location.pk].sfh == own.sfh


def test_small_counts_are_under_5_and_the_one_that_would_give_them_away_is_hidden(
    web_viewer, region, actor_a
):
    """A has 3 active pregnancies, B 7, the region 10: A's 3 is "<5", and B's 7 is hidden ("*"), else 10 - 7
    would give A's away. (The region's 10 is hidden too: the births expected in the coming weeks are among
    the active pregnancies, and the week in which all ten are due shows 10 as well.)"""
    actor_b = actor_for(
        practitioner("ingrid2", region.care_locations.get(org_nr="998570328")),
        region.care_locations.get(org_nr="998570328"),
    )
    pregnancies(actor_a, 3)
    pregnancies(actor_b, 7)
    response = web_viewer.get(REPORTS)
    columns = row(response, "summary", "active")
    assert columns[0] == "Active pregnancies"
    # Locations side by side in name order: Munkholmen (B), St Olavs (A), then the region.
    assert columns[1:] == ["*", "<5", "*"]
    assert "<5: fewer than 5 (0 to 4)." in html.unescape(response.content.decode())
    exported = rows_of(web_viewer.get(f"{REPORTS}?export=summary.csv"))
    assert exported[0] == [
        "Figure",
        "Munkholmen jordmortjeneste",
        "St Olavs hospital, fødeavdelingen",
        "All locations",
    ]
    assert ["Active pregnancies", "*", "<5", "*"] in exported


def test_counts_of_5_or_more_everywhere_are_shown_as_they_are(web_viewer, region, actor_a, location_b):
    actor_b = actor_for(practitioner("ingrid2", location_b), location_b)
    pregnancies(actor_a, 5)
    pregnancies(actor_b, 6)
    response = web_viewer.get(REPORTS)
    assert row(response, "summary", "active")[1:] == ["6", "5", "11"]
    exported = rows_of(web_viewer.get(f"{REPORTS}?export=summary.csv"))
    assert ["Active pregnancies", "6", "5", "11"] in exported  # numbers, unquoted
    assert '"Active pregnancies",6,5,11' in web_viewer.get(f"{REPORTS}?export=summary.csv").content.decode()


def test_a_zero_is_under_5_too(web_viewer, region, actor_a):
    pregnancies(actor_a, 6)
    response = web_viewer.get(REPORTS)
    # B has none: "<5". That 6 - 6 shows it is 0 gives nobody away: nothing more is hidden for it.
    assert row(response, "summary", "active")[1:] == ["<5", "6", "6"]


def test_a_median_over_fewer_than_5_is_not_shown(web_viewer, region, actor_a):
    from .factories import add_appointment, days_from_today

    for record in pregnancies(actor_a, 3):
        add_appointment(actor_a, record, on=days_from_today(-40))
    response = web_viewer.get(f"{REPORTS}?from=2000-01&to=2100-12")
    assert row(response, "summary", "median")[1:] == ["–", "–", "–"]


def test_nothing_on_the_pages_or_in_the_csv_identifies_a_person(web_viewer, region, actor_a):
    nin = new_nin(BORN)
    record = make_pregnancy(actor_a, name="Astrid Identifiable", nin=nin, born=BORN, edd=edd_at(30))
    pregnancies(actor_a, 6, name="Berit Identifiable")
    texts = [web_viewer.get(url).content.decode() for url in PAGES]
    for url in PAGES:
        base = url
        for export in (
            "summary",
            "expected-births",
            "births-by-outcome",
            "births-by-mode",
            "booking-gestation",
            "postnatal",
            "rules",
        ):
            response = web_viewer.get(f"{base}?export={export}.csv")
            if response.status_code == 200:
                texts.append(response.content.decode())
    assert len(texts) == 2 + 6 + 2
    for text in texts:
        assert "Identifiable" not in text
        assert nin not in text and nin[:6] not in text
        assert str(record.pk) not in text
        assert "/record/" not in text
        assert "1991" not in text and "03.02" not in text and "3. feb" not in text.lower()


def test_the_data_quality_counts_failing_rules_per_location_never_records(web_viewer, region, actor_a):
    pregnancies(actor_a, 6, name="Cecilie Identifiable")
    response = web_viewer.get(QUALITY)
    assert row(response, "summary", "checked")[1:] == ["<5", "6", "6"]
    # Every one of A's 6 has no blood group; B's 0 is "<5" (that it is 0 gives nobody away).
    assert row(response, "rules", "blood-group")[1:] == ["<5", "6", "6"]
    assert "Identifiable" not in response.content.decode()
    assert "/record/" not in response.content.decode()
    rules = rows_of(web_viewer.get(f"{QUALITY}?export=rules.csv"))
    assert rules[0] == [
        "Rule",
        "Munkholmen jordmortjeneste",
        "St Olavs hospital, fødeavdelingen",
        "All locations",
    ]
    assert ["No blood group", "<5", "6", "6"] in rules


# --- the audit ---------------------------------------------------------------------------------------------


def test_a_read_and_a_download_are_in_the_audit_trail_with_who_and_which_region(web_viewer, viewer, region):
    web_viewer.get(REPORTS)
    web_viewer.get(f"{QUALITY}?export=rules.csv")
    entries = list(AccessLog.objects.filter(user=viewer).order_by("id"))
    assert [(e.action, e.outcome, e.username) for e in entries] == [
        (AccessAction.LIST, AccessOutcome.ALLOWED, "regional_viewer"),
        (AccessAction.LIST, AccessOutcome.ALLOWED, "regional_viewer"),
    ]
    assert entries[0].detail.startswith("Regional reports of Helse Midt-Norge (midt). 2 Care Locations;")
    assert entries[1].detail.startswith("Regional data quality of Helse Midt-Norge (midt)")
    assert "Exported rules.csv." in entries[1].detail


def test_a_refused_read_is_audited_as_denied(web_a, midwife_a, region):
    web_a.get(REPORTS)
    entry = AccessLog.objects.get(user=midwife_a)
    assert (entry.action, entry.outcome, entry.status_code) == (AccessAction.LIST, AccessOutcome.DENIED, 404)
    assert "'midt'" in entry.detail


def test_the_audit_trail_is_in_english_whatever_the_page(web_viewer, viewer, region):
    web_viewer.get(REPORTS, headers={"Accept-Language": "nb"})
    translation.deactivate()
    assert AccessLog.objects.get(user=viewer).detail.startswith("Regional reports of Helse Midt-Norge (midt)")


# --- bad input ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "from=2024-13",
        "from=abc",
        "to=2024",
        "from=2025-05&to=2025-01",
        "from=1850-01",
        "to=9999-12",
        "from=２０２４-01",
    ],
)
def test_a_month_that_cannot_be_read_is_400_and_reads_nothing(web_viewer, region, query):
    response = web_viewer.get(f"{REPORTS}?{query}")
    assert response.status_code == 400
    assert "months (YYYY-MM)" in response.content.decode()


@pytest.mark.parametrize("export", ["nope.csv", "summary", "summary.xlsx", "records.csv"])
def test_an_unknown_export_is_404(web_viewer, region, export):
    assert web_viewer.get(f"{REPORTS}?export={export}").status_code == 404
    assert web_viewer.get(f"{QUALITY}?export={export}").status_code == 404


def test_a_chosen_period_is_whole_months(web_viewer, region):
    response = web_viewer.get(f"{REPORTS}?from=2024-02&to=2024-02")
    assert response.status_code == 200
    assert 'value="2024-02"' in response.content.decode()
    assert "from 1 Feb 2024 to 29 Feb 2024, in whole months" in " ".join(response.content.decode().split())


def test_the_default_period_is_the_12_complete_months_before_this_one():
    from maternity.web.views.regions import default_months

    assert default_months(date(2026, 12, 6)) == reports.Period(date(2025, 12, 1), date(2026, 11, 30))
    assert default_months(date(2026, 1, 31)) == reports.Period(date(2025, 1, 1), date(2025, 12, 31))


# --- the cost ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", PAGES + EXPORTS)
def test_the_pages_cost_the_same_queries_for_two_locations_and_few_records_as_for_four_and_many(
    web_viewer, region, actor_a, location_c, superuser, url
):
    pregnancies(actor_a, 1)
    with CaptureQueriesContext(connection) as small:
        assert web_viewer.get(url).status_code == 200
    extra = services.care_location_create(name="Levanger", org_nr="983974899", kind="HOSPITAL_WARD")
    region.care_locations.add(location_c, extra)
    for location in (location_c, extra):
        _browser, actor = midwife(f"mw{location.pk}", location)
        pregnancies(actor, 4)
    pregnancies(actor_a, 8)
    with CaptureQueriesContext(connection) as large:
        assert web_viewer.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(small.captured_queries) <= 16


def test_the_regions_of_a_superuser_are_all_and_of_anyone_else_hers(superuser, viewer, region, other_region):
    assert {r.code for r in regional.regions_of(superuser)} == {"midt", "vest"}
    assert [r.code for r in regional.regions_of(viewer)] == ["midt"]


# --- in Bokmål ---------------------------------------------------------------------------------------------


@pytest.fixture
def _default_language_after():
    yield
    translation.deactivate()


def test_the_regional_pages_and_csv_in_bokmal(web_viewer, region, actor_a, _default_language_after):
    pregnancies(actor_a, 6)
    nb = {"Accept-Language": "nb"}
    page = web_viewer.get(REPORTS, headers=nb).content.decode()
    assert "<h1>Regionale rapporter</h1>" in page and "Alle behandlingssteder" in page
    assert "&lt;5: færre enn 5 (0 til 4)." in page and "Regional reports" not in page
    quality = web_viewer.get(QUALITY, headers=nb).content.decode()
    assert "<h1>Regional datakvalitet</h1>" in quality
    rows = rows_of(web_viewer.get(f"{QUALITY}?export=rules.csv", headers=nb))
    assert rows[0][-1] == "Alle behandlingssteder"
    assert rows[1][1:] == ["<5", "6", "6"]  # the cells are the same in every language


def test_the_regions_average_is_not_shown_when_it_would_give_away_the_hidden_locations_average(
    web_viewer, region, actor_a, location_b
):
    """A's 6 records show their average; B's 2 do not. The region's average over 8 would give B's away
    (8 x region - 6 x A = 2 x B), so it is not shown; with B at 5 or more records, or at none, it is."""
    pregnancies(actor_a, 6)
    actor_b = actor_for(practitioner("ingrid2", location_b), location_b)
    pregnancies(actor_b, 2)
    averages = row(web_viewer.get(QUALITY), "summary", "average")[1:]
    assert averages[0] == "–" and averages[1] != "–" and averages[2] == "–"
    pregnancies(actor_b, 3)
    averages = row(web_viewer.get(QUALITY), "summary", "average")[1:]
    assert "–" not in averages
