from .audit import AccessAction, AccessLog, AccessOutcome, BreakGlassReason
from .care import CareLocation, CareLocationKind, Practitioner
from .caseload import CaseloadSize
from .document import RecordDocument
from .events import EventAction, RecordEvent
from .feed import FeedEntry
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
from .record import Pregnancy, RecordStatus
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
    "AccessAction",
    "AccessLog",
    "AccessOutcome",
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
    "RhesusDNegative",
    "RhesusDType",
    "Stamped",
    "StakeholderReason",
    "SymphysisFundalHeight",
    "UserType",
    "VitalMeasurementsBeforePregnancy",
]
