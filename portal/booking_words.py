"""Her booked visits in plain words: what kind of visit each is, as she would say it."""

from maternity.models import VisitKind

KIND_WORDS: dict[str, str] = {
    VisitKind.BOOKING: "First appointment with your midwife (booking visit)",
    VisitKind.ANTENATAL: "Check-up with your midwife or doctor",
    VisitKind.ULTRASOUND: "Ultrasound scan",
    VisitKind.GLUCOSE_TEST: "Blood sugar test (glucose tolerance test)",
    VisitKind.ANTI_D: "Anti-D injection",
    VisitKind.INDUCTION: "Starting your labour (induction)",
    VisitKind.POSTNATAL: "Check-up after the birth",
    VisitKind.OTHER: "Appointment",
}


def kind_words(kind: str) -> str:
    return KIND_WORDS.get(kind, "Appointment")
