"""The task list: for the signed-in midwife, the records of her Care Location with something to do, most
urgent first; for everyone else, nothing of theirs."""

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from maternity import services
from maternity.actors import Actor
from maternity.models import AccessAction, AccessLog, UserType
from maternity.reads.alerts import record_alerts
from maternity.reads.record_page import record_page_queryset
from maternity.reads.tasks import PAGE_SIZE
from maternity.services.alerts import alert_acknowledge

from .alerts_factories import book
from .conftest import signed_in
from .factories import add_appointment, days_from_today, deliver, edd_at, make_pregnancy

URL = "/tasks/"


def kinds(response) -> list[tuple[str, str, str]]:
    return [(task.name, task.kind, task.label) for task in response.context["tasks"]]


def complete(actor, record):
    """Enough for the data-quality rules (blood group, bloods, BMI, name, EDD, an appointment)."""
    services.resource_create(
        record_id=record.pk,
        resource_type="clinicalTests",
        data={"abo_type": "A", "rhesus_d_type": "POSITIVE", "hemoglobin": 12.5},
        actor=actor,
    )
    services.resource_create(
        record_id=record.pk,
        resource_type="vitalMeasurementsBeforePregnancy",
        data={"height": 168, "pre_pregnancy_weight": 64},
        actor=actor,
    )
    add_appointment(actor, record, on=days_from_today(-7))


def test_signed_out_goes_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"] == f"/login/?next={URL}"


def test_a_user_who_is_not_a_practitioner_gets_403(not_a_practitioner):
    assert signed_in(not_a_practitioner).get(URL).status_code == 403


def test_the_task_list_is_linked_from_the_navigation(web_a):
    response = web_a.get(URL)
    assert response.status_code == 200
    assert b'href="/tasks/" aria-current="page">Tasks</a>' in response.content


def test_a_midwife_sees_her_locations_tasks_and_never_a_strangers(web_a, web_b, actor_a, actor_b):
    ours = make_pregnancy(actor_a, name="Ours Olsen", edd=edd_at(30))
    complete(actor_a, ours)
    theirs = make_pregnancy(actor_b, name="Theirs Tangen", edd=edd_at(30))
    complete(actor_b, theirs)
    assert kinds(web_a.get(URL)) == [("Ours Olsen", "booking", "No visit booked")]
    response = web_b.get(URL)
    assert kinds(response) == [("Theirs Tangen", "booking", "No visit booked")]
    assert b"Ours Olsen" not in response.content


def test_every_kind_of_task_most_urgent_first(web_a, actor_a):
    late = make_pregnancy(actor_a, name="Late Lie", edd=edd_at(38))  # none booked at 38+0: severe
    complete(actor_a, late)
    missed = make_pregnancy(actor_a, name="Missed Moe", edd=edd_at(25))
    complete(actor_a, missed)
    book(actor_a, missed, days=-2)
    book(actor_a, missed, days=12)
    high = make_pregnancy(actor_a, name="High Hansen", edd=edd_at(30))
    complete(actor_a, high)
    book(actor_a, high, days=5)
    add_appointment(actor_a, high, on=days_from_today(0), blood_pressure="150/95")
    sparse = make_pregnancy(actor_a, name="Sparse Sand", edd=edd_at(20))  # no tests, no BMI, no visit
    book(actor_a, sparse, days=3)
    delivered = make_pregnancy(actor_a, name="Delivered Dahl", edd=edd_at(39))
    deliver(actor_a, delivered)
    response = web_a.get(URL)
    assert kinds(response) == [
        ("Late Lie", "booking", "No visit booked"),
        ("High Hansen", "alert", "BP 150/95"),
        ("Missed Moe", "booking", "Missed booking"),
        ("Delivered Dahl", "births", "No birth details"),
        ("Sparse Sand", "data-quality", "Data quality 55.6%"),
    ]
    tasks = {task.name: task for task in response.context["tasks"]}
    assert tasks["High Hansen"].url == f"/records/{high.pk}/#alerts"
    assert tasks["Late Lie"].url == f"/records/{late.pk}/bookings/new/"
    assert tasks["Delivered Dahl"].url == f"/records/{delivered.pk}/sections/births/new/"
    assert "; No booking blood tests;" in tasks["Sparse Sand"].detail
    assert b"review today" in response.content


def test_an_acknowledged_alert_leaves_the_list(web_a, actor_a):
    record = make_pregnancy(actor_a, name="High Hansen", edd=edd_at(30))
    complete(actor_a, record)
    assert kinds(web_a.get(URL)) == [("High Hansen", "booking", "No visit booked")]
    (flag,) = flags_of(record)
    alert_acknowledge(
        record_id=record.pk,
        alert_code=flag.code,
        subject=flag.subject,
        action_taken="She books online.",
        actor=actor_a,
    )
    assert web_a.get(URL).context["tasks"] == []
    assert b"Nothing to do at" in web_a.get(URL).content


def flags_of(record):
    return [a.flag for a in record_alerts(record_page_queryset().get(pk=record.pk), now=timezone.now())]


def test_an_unread_birth_plan_is_a_task_until_it_is_marked_read(web_a, actor_a):
    record = make_pregnancy(actor_a, name="Plan Pettersen", edd=edd_at(30))
    complete(actor_a, record)
    book(actor_a, record, days=4)
    user = get_user_model().objects.create_user(username="plan")
    record.person.user = user
    record.person.save(update_fields=["user"])
    her = Actor(user_type=UserType.PATIENT, user=user, name="Plan Pettersen", source_system="portal")
    plan = services.birth_plan_save(
        record_id=record.pk, version=None, data={"pain_relief": "Water"}, actor=her
    )
    assert kinds(web_a.get(URL)) == [("Plan Pettersen", "birth-plan", "Birth plan not read")]
    services.birth_plan_acknowledge(record_id=record.pk, version=plan.version, actor=actor_a)
    assert kinds(web_a.get(URL)) == []


def test_the_data_quality_threshold_is_a_setting(web_a, actor_a, settings):
    record = make_pregnancy(actor_a, name="Sparse Sand", edd=edd_at(20))
    book(actor_a, record, days=3)
    assert kinds(web_a.get(URL)) == [("Sparse Sand", "data-quality", "Data quality 55.6%")]
    settings.TASKS_DATA_QUALITY_BELOW = 55
    assert kinds(web_a.get(URL)) == []


def test_the_list_is_audited_as_a_list(web_a, actor_a):
    make_pregnancy(actor_a, edd=edd_at(30))
    web_a.get(URL)
    entry = AccessLog.objects.get()
    assert entry.action == AccessAction.LIST and "Task list page 1 of 1" in entry.detail


def queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(captured)


MAX_QUERIES = 17  # session, user, practitioner, location; records, 4 + 3 prefetches, 2 data quality; audit


def test_pages_of_25_at_the_same_queries_for_3_and_40_records(web_a, actor_a, django_assert_max_num_queries):
    for number in range(3):
        make_pregnancy(actor_a, name=f"Mother {number:02d}", edd=edd_at(20))
    few = queries(web_a)
    for number in range(3, 40):
        make_pregnancy(actor_a, name=f"Mother {number:02d}", edd=edd_at(20))
    with django_assert_max_num_queries(MAX_QUERIES):
        many = queries(web_a)
    assert few == many
    first, second = web_a.get(URL), web_a.get(URL, {"page": 2})
    assert len(first.context["tasks"]) == PAGE_SIZE
    assert b'href="?page=2" rel="next"' in first.content
    assert first.context["page"].paginator.count == 80  # each: no visit booked, data quality
    assert len(second.context["tasks"]) == PAGE_SIZE
    assert not {(t.record.pk, t.kind) for t in first.context["tasks"]} & {
        (t.record.pk, t.kind) for t in second.context["tasks"]
    }


# --- after the birth ---------------------------------------------------------------------------------------


def test_a_mothers_answer_to_the_self_harm_question_is_a_severe_task_and_the_records_first_alert(
    web_a, actor_a
):
    record = make_pregnancy(actor_a, name="Siri Postnatal", edd=edd_at(40))
    born = timezone.now() - timezone.timedelta(days=4)
    services.record_deliver(
        record_id=record.pk,
        version=1,
        babies=[{"birth_time": born, "live_birth": True, "birth_weight": 3500}],
        actor=actor_a,
    )
    baby = record.births.get()
    visit = services.resource_create(
        record_id=record.pk,
        resource_type="postnatalMotherVisits",
        data={"visit_date": days_from_today(0), "epds_answers": [0] * 9 + [1], "blood_pressure": "118/74"},
        actor=actor_a,
    )
    services.resource_create(
        record_id=record.pk,
        resource_type="postnatalBabyVisits",
        data={"visit_date": days_from_today(0), "birth_id": baby.pk, "weight": 3100},
        actor=actor_a,
    )

    tasks = web_a.get(URL).context["tasks"]
    mine = [(t.kind, t.label, t.severe) for t in tasks if t.name == "Siri Postnatal"]
    assert mine == [("alert", "EPDS 1: self-harm", True), ("alert", "Lost 11.4%", False)]
    assert tasks[0].name == "Siri Postnatal"  # severe first, across every record

    alerts = record_alerts(record_page_queryset().get(pk=record.pk), now=timezone.now())
    assert [alert.flag.subject for alert in alerts][0] == f"postnatalMotherVisits/{visit.pk}@1"
    alert_acknowledge(
        record_id=record.pk,
        alert_code="epds-self-harm",
        subject=f"postnatalMotherVisits/{visit.pk}@1",
        action_taken="Talked with her today; the perinatal mental health team sees her tomorrow.",
        actor=actor_a,
    )
    after = [(t.label) for t in web_a.get(URL).context["tasks"] if t.name == "Siri Postnatal"]
    assert after == ["Lost 11.4%"]


def test_a_delivery_more_than_eight_weeks_ago_leaves_the_task_list(web_a, actor_a):
    record = make_pregnancy(actor_a, name="Long Since", edd=days_from_today(-8 * 7))
    born = timezone.now() - timezone.timedelta(days=8 * 7 + 1)
    services.record_deliver(
        record_id=record.pk,
        version=1,
        babies=[{"birth_time": born, "live_birth": True, "birth_weight": 3500}],
        actor=actor_a,
    )
    services.resource_create(
        record_id=record.pk,
        resource_type="postnatalMotherVisits",
        data={"visit_date": days_from_today(-50), "epds_answers": [3] * 10},
        actor=actor_a,
    )

    assert [t for t in web_a.get(URL).context["tasks"] if t.name == "Long Since"] == []
