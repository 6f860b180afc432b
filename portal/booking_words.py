"""Her booked visits in plain words: what kind of visit each is, as she would say it."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from maternity.models import VisitKind

KIND_WORDS: dict[str, Promise] = {
    VisitKind.BOOKING: gettext_lazy("First appointment with your midwife (booking visit)"),
    VisitKind.ANTENATAL: gettext_lazy("Check-up with your midwife or doctor"),
    VisitKind.ULTRASOUND: gettext_lazy("Ultrasound scan"),
    VisitKind.GLUCOSE_TEST: gettext_lazy("Blood sugar test (glucose tolerance test)"),
    VisitKind.ANTI_D: gettext_lazy("Anti-D injection"),
    VisitKind.INDUCTION: gettext_lazy("Starting your labour (induction)"),
    VisitKind.POSTNATAL: gettext_lazy("Check-up after the birth"),
    VisitKind.OTHER: pgettext_lazy("kind of visit", "Appointment"),
}


def kind_words(kind: str) -> str:
    words = KIND_WORDS.get(kind)
    return str(words) if words is not None else pgettext("kind of visit", "Appointment")
