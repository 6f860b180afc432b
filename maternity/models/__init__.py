from .alerts import AlertAcknowledgement
from .audit import FIND_ACTIONS, AccessAction, AccessLog, AccessOutcome, AuditChainHead, BreakGlassReason
from .bookings import Booking, BookingStatus, VisitKind
from .care import CareLocation, CareLocationKind, Practitioner
from .caseload import CaseloadSize
from .document import RecordDocument
from .events import EventAction, RecordEvent
from .feed import FeedEntry
from .labour import Analgesia, Feeding, Labour, LabourOnset, PerinealTrauma
from .lists import (
    AntenatalAppointment,
    BabySex,
    Birth,
    CareLocationEpisode,
    ModeOfBirth,
    Note,
    NoteKind,
    ProteinInUrine,
    SymphysisFundalHeight,
)
from .person import Person
from .postnatal import Bleeding, Jaundice, PostnatalBabyVisit, PostnatalMotherVisit, Wound
from .record import Pregnancy, RecordStatus
from .regions import Region
from .restrictions import RestrictedOpening, Restriction, RestrictionCategory
from .reviews import AccessReview, ReviewKind, ReviewOutcome
from .singletons import (
    AboType,
    BirthPlan,
    ClinicalTests,
    CurrentPregnancy,
    GeneticDisorders,
    LifestyleFactors,
    MedicalConditions,
    Medication,
    Mother,
    PointsOfContact,
    PreviousPregnancies,
    RhesusDNegative,
    RhesusDType,
    VitalMeasurementsBeforePregnancy,
)
from .stakeholders import PregnancyGroupPermission, PregnancyUserPermission, StakeholderReason
from .stamp import Stamped, UserType

__all__ = [
    "AlertAcknowledgement",
    "Analgesia",
    "Bleeding",
    "Booking",
    "BookingStatus",
    "Feeding",
    "Jaundice",
    "Labour",
    "LabourOnset",
    "PerinealTrauma",
    "PostnatalBabyVisit",
    "PostnatalMotherVisit",
    "VisitKind",
    "Wound",
    "FIND_ACTIONS",
    "AccessAction",
    "AccessLog",
    "AccessOutcome",
    "AccessReview",
    "RestrictedOpening",
    "Restriction",
    "RestrictionCategory",
    "AuditChainHead",
    "ReviewKind",
    "ReviewOutcome",
    "AboType",
    "AntenatalAppointment",
    "BabySex",
    "Birth",
    "BirthPlan",
    "BreakGlassReason",
    "CareLocation",
    "CareLocationEpisode",
    "CareLocationKind",
    "CaseloadSize",
    "ClinicalTests",
    "CurrentPregnancy",
    "EventAction",
    "FeedEntry",
    "GeneticDisorders",
    "LifestyleFactors",
    "MedicalConditions",
    "Medication",
    "ModeOfBirth",
    "Mother",
    "Note",
    "NoteKind",
    "Person",
    "PointsOfContact",
    "Practitioner",
    "Pregnancy",
    "RecordDocument",
    "PregnancyGroupPermission",
    "PregnancyUserPermission",
    "PreviousPregnancies",
    "ProteinInUrine",
    "RecordEvent",
    "RecordStatus",
    "Region",
    "RhesusDNegative",
    "RhesusDType",
    "Stamped",
    "StakeholderReason",
    "SymphysisFundalHeight",
    "UserType",
    "VitalMeasurementsBeforePregnancy",
]
