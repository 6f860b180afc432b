"""The record's resource types by wire name: which model holds each, and who may write it."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from maternity import models as m
from maternity.models.base import ListResource, SingletonResource
from maternity.models.stamp import UserType
from maternity.rules.wording import Text

PROFESSIONAL = frozenset({UserType.HEALTH_CARE_PROFESSIONAL})
PATIENT = frozenset({UserType.PATIENT})
SYSTEM_ONLY: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ResourceType:
    name: str  # the wire name, e.g. "currentPregnancy"
    model: type[SingletonResource] | type[ListResource]
    written_by: frozenset[str] = PROFESSIONAL
    key_demographics: bool = False  # only the active Care Location may write it
    # not in NHN's record: this project's own (docs/api.md, "Extensions"); in GET record beside NHN's types
    extension: bool = False
    # written only through this service, which checks what the generic writes cannot (empty: any write)
    written_through: Text = ""  # words a refusal quotes (lazily translated)

    @property
    def is_list(self) -> bool:
        return issubclass(self.model, ListResource)

    @property
    def accessor(self) -> str:
        """The reverse accessor on Pregnancy (select_related for singletons, prefetch_related for lists)."""
        name = self.model._meta.model_name
        assert name is not None  # Django sets it on every model class
        return f"{name}s" if self.is_list else name

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name_plural if self.is_list else self.model._meta.verbose_name)


RESOURCE_TYPES: dict[str, ResourceType] = {
    rt.name: rt
    for rt in [
        ResourceType("mother", m.Mother, key_demographics=True),
        ResourceType("currentPregnancy", m.CurrentPregnancy),
        ResourceType("previousPregnancies", m.PreviousPregnancies),
        ResourceType("geneticDisorders", m.GeneticDisorders),
        ResourceType("medicalConditions", m.MedicalConditions),
        ResourceType("medication", m.Medication),
        ResourceType("lifestyleFactors", m.LifestyleFactors),
        ResourceType("clinicalTests", m.ClinicalTests),
        ResourceType("rhesusDNegative", m.RhesusDNegative),
        ResourceType("vitalMeasurementsBeforePregnancy", m.VitalMeasurementsBeforePregnancy),
        ResourceType("pointsOfContact", m.PointsOfContact),
        ResourceType("birthPlan", m.BirthPlan, written_by=PATIENT),
        ResourceType("antenatalAppointments", m.AntenatalAppointment),
        ResourceType("symphysisFundalHeights", m.SymphysisFundalHeight),
        ResourceType("births", m.Birth),
        ResourceType("careLocations", m.CareLocationEpisode, written_by=SYSTEM_ONLY),
        ResourceType("notes", m.Note, written_by=SYSTEM_ONLY),
        ResourceType("labour", m.Labour, extension=True),
        ResourceType("bookings", m.Booking, extension=True),
        ResourceType("postnatalMotherVisits", m.PostnatalMotherVisit, extension=True),
        ResourceType("postnatalBabyVisits", m.PostnatalBabyVisit, extension=True),
        ResourceType(
            "alertAcknowledgements",
            m.AlertAcknowledgement,
            extension=True,
            written_through=_(
                "acknowledging an alert in the midwives' app (it checks the alert still stands)"
            ),
        ),
    ]
}
SINGLETONS = [rt for rt in RESOURCE_TYPES.values() if not rt.is_list]
LISTS = [rt for rt in RESOURCE_TYPES.values() if rt.is_list]
BY_MODEL = {rt.model: rt for rt in RESOURCE_TYPES.values()}
