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

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from maternity.models import PostnatalBabyVisit, PostnatalMotherVisit
from maternity.rules.flags import Flag, high_blood_pressure, shown_number, subject_of

EPDS_ITEMS = 10
EPDS_MAX = 3 * EPDS_ITEMS
EPDS_THRESHOLD = 13  # a total of 13 or more: probable depression (Cox 1987; SIGN 127)
EPDS_SELF_HARM_ITEM = 10  # the tenth question, counted from 1
WEIGHT_LOSS_THRESHOLD = 10.0  # per cent of the birth weight (NICE NG194)


# The ten questions and their four answers, in the order and with the scores of the questionnaire
# (items 1, 2 and 4 score 0-3 from the top answer; the others, reverse-scored, 3-0). Translated where they
# are shown: the Bokmål is the wording of the Norwegian EPDS (Eberhard-Gran et al.).
EPDS_QUESTIONS: list[tuple[Promise, list[tuple[int, Promise]]]] = [
    (
        pgettext_lazy("EPDS", "I have been able to laugh and see the funny side of things"),
        [
            (0, pgettext_lazy("EPDS", "As much as I always could")),
            (1, pgettext_lazy("EPDS", "Not quite so much now")),
            (2, pgettext_lazy("EPDS", "Definitely not so much now")),
            (3, pgettext_lazy("EPDS", "Not at all")),
        ],
    ),
    (
        pgettext_lazy("EPDS", "I have looked forward with enjoyment to things"),
        [
            (0, pgettext_lazy("EPDS", "As much as I ever did")),
            (1, pgettext_lazy("EPDS", "Rather less than I used to")),
            (2, pgettext_lazy("EPDS", "Definitely less than I used to")),
            (3, pgettext_lazy("EPDS", "Hardly at all")),
        ],
    ),
    (
        pgettext_lazy("EPDS", "I have blamed myself unnecessarily when things went wrong"),
        [
            (3, pgettext_lazy("EPDS", "Yes, most of the time")),
            (2, pgettext_lazy("EPDS", "Yes, some of the time")),
            (1, pgettext_lazy("EPDS", "Not very often")),
            (0, pgettext_lazy("EPDS", "No, never")),
        ],
    ),
    (
        pgettext_lazy("EPDS", "I have been anxious or worried for no good reason"),
        [
            (0, pgettext_lazy("EPDS", "No, not at all")),
            (1, pgettext_lazy("EPDS", "Hardly ever")),
            (2, pgettext_lazy("EPDS", "Yes, sometimes")),
            (3, pgettext_lazy("EPDS", "Yes, very often")),
        ],
    ),
    (
        pgettext_lazy("EPDS", "I have felt scared or panicky for no very good reason"),
        [
            (3, pgettext_lazy("EPDS", "Yes, quite a lot")),
            (2, pgettext_lazy("EPDS", "Yes, sometimes")),
            (1, pgettext_lazy("EPDS", "No, not much")),
            (0, pgettext_lazy("EPDS", "No, not at all")),
        ],
    ),
    (
        pgettext_lazy("EPDS", "Things have been getting on top of me"),
        [
            (3, pgettext_lazy("EPDS", "Yes, most of the time I haven't been able to cope at all")),
            (2, pgettext_lazy("EPDS", "Yes, sometimes I haven't been coping as well as usual")),
            (1, pgettext_lazy("EPDS", "No, most of the time I have coped quite well")),
            (0, pgettext_lazy("EPDS", "No, I have been coping as well as ever")),
        ],
    ),
    (
        pgettext_lazy("EPDS", "I have been so unhappy that I have had difficulty sleeping"),
        [
            (3, pgettext_lazy("EPDS", "Yes, most of the time")),
            (2, pgettext_lazy("EPDS", "Yes, sometimes")),
            (1, pgettext_lazy("EPDS", "Not very often")),
            (0, pgettext_lazy("EPDS", "No, not at all")),
        ],
    ),
    (
        pgettext_lazy("EPDS", "I have felt sad or miserable"),
        [
            (3, pgettext_lazy("EPDS", "Yes, most of the time")),
            (2, pgettext_lazy("EPDS", "Yes, quite often")),
            (1, pgettext_lazy("EPDS", "Not very often")),
            (0, pgettext_lazy("EPDS", "No, not at all")),
        ],
    ),
    (
        pgettext_lazy("EPDS", "I have been so unhappy that I have been crying"),
        [
            (3, pgettext_lazy("EPDS", "Yes, most of the time")),
            (2, pgettext_lazy("EPDS", "Yes, quite often")),
            (1, pgettext_lazy("EPDS", "Only occasionally")),
            (0, pgettext_lazy("EPDS", "No, never")),
        ],
    ),
    (
        pgettext_lazy("EPDS", "The thought of harming myself has occurred to me"),
        [
            (3, pgettext_lazy("EPDS", "Yes, quite often")),
            (2, pgettext_lazy("EPDS", "Sometimes")),
            (1, pgettext_lazy("EPDS", "Hardly ever")),
            (0, pgettext_lazy("EPDS", "Never")),
        ],
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
            _("EPDS %(total)s: self-harm") % {"total": total},
            _(
                "EPDS total %(total)s of %(max)s, and she answered that the thought of harming herself has "
                "occurred to her (item 10): review her today."
            )
            % {"total": total, "max": EPDS_MAX},
            severe=True,
            subject="postnatalMotherVisits",
        )
    if total >= EPDS_THRESHOLD:
        return _flag(
            "epds-high",
            f"EPDS {total}",
            _("EPDS total %(total)s of %(max)s: %(threshold)s or more suggests depression; assess her mood.")
            % {"total": total, "max": EPDS_MAX, "threshold": EPDS_THRESHOLD},
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
        _("Lost %(loss)s%%") % {"loss": shown_number(loss)},
        _(
            "%(weight)s g against a birth weight of %(birth_weight)s g: %(loss)s%% lost, more than "
            "%(threshold)s%%. Assess feeding and look for illness."
        )
        % {
            "weight": weight,
            "birth_weight": birth_weight,
            "loss": shown_number(loss),
            "threshold": shown_number(WEIGHT_LOSS_THRESHOLD),
        },
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
            postnatal=True,
        )
        found += [replace(flag, subject=subject) for flag in (epds_flag(mother.epds_answers), bp) if flag]
    for baby, visit in _last(baby_visits, key=lambda visit: visit.birth_id).items():
        flag = weight_loss_flag(birth_weight=birth_weights.get(baby), weight=visit.weight)
        if flag is not None:
            found.append(replace(flag, subject=subject_of("postnatalBabyVisits", visit)))
    return sorted(found, key=lambda flag: not flag.severe)
