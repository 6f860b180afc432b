"""`manage.py benchmark` measures every hot call on generated data, with its query count, and compares
two runs (e.g. 10,000 and 1,000,000 pregnancies) figure by figure."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from maternity.models import AccessLog, Person

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

CALLS = [
    "first GET of a record",
    "GET record",
    "PUT resource",
    "find by keys (break glass)",
    "record history, first",
    "record history",
    "event feed page",
    "caseload page",
    "caseload, middle page",
    "patient's access log, first",
    "patient's access log",
]


@pytest.fixture
def generated():
    call_command(
        "generate_records", pregnancies=150, locations=2, workers=0, chunk=50, seed=3, stdout=StringIO()
    )


def run(*args) -> str:
    out = StringIO()
    call_command("benchmark", "--requests", "6", *args, stdout=out)
    return out.getvalue()


def test_it_prints_median_p95_and_queries_for_every_call_and_compares_with_a_saved_run(generated, tmp_path):
    saved = tmp_path / "small.json"
    first = run("--save", str(saved))
    figures = json.loads(saved.read_text())["figures"]
    assert list(figures) == CALLS
    for name in CALLS:
        line = next(line for line in first.splitlines() if line.startswith(f"{name} "))
        median, p95, queries, cpu = line[len(name) :].split()[:4]
        assert 0 < float(median) <= float(p95) and int(queries) == figures[name]["queries"] > 0
        assert 0 < float(cpu) == pytest.approx(figures[name]["cpu"], abs=0.01)  # this process and its backend

    second = run("--compare", str(saved))
    assert "Compared with" in second and "median x" in second
    lines = {name: next(x for x in second.splitlines() if x.startswith(f"{name} ")) for name in CALLS}
    assert all(len(lines[name][len(name) :].split()) == 8 for name in CALLS)


def test_every_measured_call_is_audited_like_any_other(generated):
    before = AccessLog.objects.count()
    run()
    actions = set(
        AccessLog.objects.order_by("-id")[: AccessLog.objects.count() - before].values_list(
            "action", flat=True
        )
    )
    assert {"READ", "WRITE", "BREAK_GLASS", "HISTORY", "EVENTS"} <= actions, actions


def test_it_leaves_no_portal_accounts_behind(generated):
    run()
    assert not Person.objects.filter(user__isnull=False).exists()


def test_it_says_what_to_do_on_a_database_without_generated_records(db):
    with pytest.raises(CommandError, match="generate_records"):
        run()
