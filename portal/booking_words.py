"""Her booked visits in plain words: what kind of visit each is, as she would say it."""

from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext, pgettext_lazy

from maternity.models import VisitKind

KIND_WORDS: dict[str, str] = {
    VisitKind.BOOKING: _lazy("First appointment with your midwife (booking visit)"),
    VisitKind.ANTENATAL: _lazy("Check-up with your midwife or doctor"),
    VisitKind.ULTRASOUND: _lazy("Ultrasound scan"),
    VisitKind.GLUCOSE_TEST: _lazy("Blood sugar test (glucose tolerance test)"),
    VisitKind.ANTI_D: _lazy("Anti-D injection"),
    VisitKind.INDUCTION: _lazy("Starting your labour (induction)"),
    VisitKind.POSTNATAL: _lazy("Check-up after the birth"),
    VisitKind.OTHER: pgettext_lazy("kind of visit", "Appointment"),
}


def kind_words(kind: str) -> str:
    words = KIND_WORDS.get(kind)
    return str(words) if words is not None else pgettext("kind of visit", "Appointment")
