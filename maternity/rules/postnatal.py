"""What a postnatal visit says beyond what was measured: the mother's Edinburgh Postnatal Depression Scale
(EPDS) score and the baby's weight loss since birth, and when either needs a midwife's attention. Tested in
`maternity/tests/test_postnatal_rules.py`.

- **EPDS** (Cox, Holden and Sagovsky, "Detection of postnatal depression: development of the 10-item
  Edinburgh Postnatal Depression Scale", Br J Psychiatry 1987;150:782-6): ten questions about the last seven
  days, each answered 0-3, the total 0-30. A total of 13 or more suggests depression and is flagged for
  assessment (SIGN 127, "Management of perinatal mood disorders", 2012, and NICE CG192, "Antenatal and
  postnatal mental health", 2014, which use the EPDS as a screening tool). Any answer above 0 to item 10
  ("The thought of harming myself has occurred to me") is flagged whatever the total, severe: she is
  reviewed the same day.
- **Weight loss** (NICE NG194, "Postnatal care", 2021, 1.3.13-1.3.15): a baby who has lost more than 10% of
  the birth weight is assessed (feeding, and for illness). Loss is measured from the birth weight in the
  baby's `births` item.

The rules take plain values and return a `maternity.rules.flags.Flag`, or None when all is well or there is
not enough data to say.
"""

from collections.abc import Iterable
from dataclasses import replace
from uuid import UUID

from maternity.models import PostnatalBabyVisit, PostnatalMotherVisit
from maternity.rules.flags import Flag, high_blood_pressure, subject_of

EPDS_ITEMS = 10
EPDS_MAX = 3 * EPDS_ITEMS
EPDS_THRESHOLD = 13  # a total of 13 or more: probable depression (Cox 1987; SIGN 127)
EPDS_SELF_HARM_ITEM = 10  # the tenth question, counted from 1
WEIGHT_LOSS_THRESHOLD = 10.0  # per cent of the birth weight (NICE NG194)

# The ten questions and their four answers, in the order and with the scores of the questionnaire
# (items 1, 2 and 4 score 0-3 from the top answer; the others, reverse-scored, 3-0).
EPDS_QUESTIONS: list[tuple[str, list[tuple[int, str]]]] = [
    (
        "I have been able to laugh and see the funny side of things",
        [
            (0, "As much as I always could"),
            (1, "Not quite so much now"),
            (2, "Definitely not so much now"),
            (3, "Not at all"),
        ],
    ),
    (
        "I have looked forward with enjoyment to things",
        [
            (0, "As much as I ever did"),
            (1, "Rather less than I used to"),
            (2, "Definitely less than I used to"),
            (3, "Hardly at all"),
        ],
    ),
    (
        "I have blamed myself unnecessarily when things went wrong",
        [(3, "Yes, most of the time"), (2, "Yes, some of the time"), (1, "Not very often"), (0, "No, never")],
    ),
    (
        "I have been anxious or worried for no good reason",
        [(0, "No, not at all"), (1, "Hardly ever"), (2, "Yes, sometimes"), (3, "Yes, very often")],
    ),
    (
        "I have felt scared or panicky for no very good reason",
        [(3, "Yes, quite a lot"), (2, "Yes, sometimes"), (1, "No, not much"), (0, "No, not at all")],
    ),
    (
        "Things have been getting on top of me",
        [
            (3, "Yes, most of the time I haven't been able to cope at all"),
            (2, "Yes, sometimes I haven't been coping as well as usual"),
            (1, "No, most of the time I have coped quite well"),
            (0, "No, I have been coping as well as ever"),
        ],
    ),
    (
        "I have been so unhappy that I have had difficulty sleeping",
        [(3, "Yes, most of the time"), (2, "Yes, sometimes"), (1, "Not very often"), (0, "No, not at all")],
    ),
    (
        "I have felt sad or miserable",
        [(3, "Yes, most of the time"), (2, "Yes, quite often"), (1, "Not very often"), (0, "No, not at all")],
    ),
    (
        "I have been so unhappy that I have been crying",
        [(3, "Yes, most of the time"), (2, "Yes, quite often"), (1, "Only occasionally"), (0, "No, never")],
    ),
    (
        "The thought of harming myself has occurred to me",
        [(3, "Yes, quite often"), (2, "Sometimes"), (1, "Hardly ever"), (0, "Never")],
    ),
]
assert len(EPDS_QUESTIONS) == EPDS_ITEMS


def _flag(code: str, label: str, detail: str, *, severe: bool = False, subject: str) -> Flag:
    return Flag(code, label, detail, severe, subject)


def epds_total(answers: list[int] | None) -> int | None:
    """The EPDS total, 0-30; None when the questionnaire was not asked, or not all ten were answered."""
    if not answers or len(answers) != EPDS_ITEMS:
        return None
    return sum(answers)


def epds_flag(answers: list[int] | None) -> Flag | None:
    """A total of 13 or more, or any answer above 0 to item 10 (thoughts of self-harm: same-day review)."""
    total = epds_total(answers)
    if total is None or answers is None:
        return None
    self_harm = answers[EPDS_SELF_HARM_ITEM - 1] > 0
    if self_harm:
        return _flag(
            "epds-self-harm",
            f"EPDS {total}: self-harm",
            f"EPDS total {total} of {EPDS_MAX}, and she answered that the thought of harming herself has "
            "occurred to her (item 10): review her today.",
            severe=True,
            subject="postnatalMotherVisits",
        )
    if total >= EPDS_THRESHOLD:
        return _flag(
            "epds-high",
            f"EPDS {total}",
            f"EPDS total {total} of {EPDS_MAX}: {EPDS_THRESHOLD} or more suggests depression; "
            "assess her mood.",
            subject="postnatalMotherVisits",
        )
    return None


def weight_loss_percent(*, birth_weight: int | None, weight: int | None) -> float | None:
    """The loss from the birth weight as a percentage of it, one decimal (negative: a gain); None when
    either weight is unknown."""
    if not birth_weight or weight is None:
        return None
    return round((birth_weight - weight) * 100 / birth_weight, 1)


def weight_loss_flag(*, birth_weight: int | None, weight: int | None) -> Flag | None:
    """More than 10% of the birth weight lost (NICE NG194): assess feeding and look for illness."""
    loss = weight_loss_percent(birth_weight=birth_weight, weight=weight)
    if loss is None or birth_weight is None or weight is None:
        return None
    if (birth_weight - weight) * 100 <= WEIGHT_LOSS_THRESHOLD * birth_weight:  # exact, not the rounded loss
        return None
    return _flag(
        "weight-loss",
        f"Lost {loss:g}%",
        f"{weight} g against a birth weight of {birth_weight} g: {loss:g}% lost, more than "
        f"{WEIGHT_LOSS_THRESHOLD:g}%. Assess feeding and look for illness.",
        subject="postnatalBabyVisits",
    )


def _last(visits: Iterable, key) -> dict:
    """The last visit (by date, then when it was written) per `key(visit)`, entered-in-error ones left out."""
    last: dict = {}
    for visit in sorted(
        (v for v in visits if not v.entered_in_error), key=lambda v: (v.visit_date, v.last_updated)
    ):
        last[key(visit)] = visit
    return last


def postnatal_flags(
    *,
    mother_visits: Iterable[PostnatalMotherVisit],
    baby_visits: Iterable[PostnatalBabyVisit],
    birth_weights: dict[UUID, int | None],
) -> list[Flag]:
    """The flags of a delivered record's postnatal care, severe first, each with its subject: from the
    mother's last visit, her mood (EPDS) and a high blood pressure (the antenatal thresholds: NICE NG133
    applies them after the birth too); from each baby's last visit, a loss of more than 10% of the birth
    weight (`birth_weights`: each `births` item's id and weight)."""
    found: list[Flag] = []
    mother = _last(mother_visits, key=lambda visit: "mother").get("mother")
    if mother is not None:
        subject = subject_of("postnatalMotherVisits", mother)
        systolic, _, diastolic = (mother.blood_pressure or "").partition("/")
        bp = high_blood_pressure(
            systolic=int(systolic) if systolic.isdigit() else None,
            diastolic=int(diastolic) if diastolic.isdigit() else None,
        )
        if bp is not None:
            bp = replace(bp, detail=bp.detail.replace("the last appointment", "the last postnatal visit"))
        found += [replace(flag, subject=subject) for flag in (epds_flag(mother.epds_answers), bp) if flag]
    for baby, visit in _last(baby_visits, key=lambda visit: visit.birth_id).items():
        flag = weight_loss_flag(birth_weight=birth_weights.get(baby), weight=visit.weight)
        if flag is not None:
            found.append(replace(flag, subject=subject_of("postnatalBabyVisits", visit)))
    return sorted(found, key=lambda flag: not flag.severe)
