"""One serializer per resource type, in the NHN wire shape.

Model fields are the wire names in snake_case; `ResourceSerializer` turns them into camelCase, nests the
groups the wire format nests (e.g. `assistedConception`), refuses unknown fields and adds `metadata`.
"""

import copy
import threading
from functools import cached_property

from django.db import models
from rest_framework import serializers
from rest_framework.utils.serializer_helpers import BindingDict

from maternity import models as m
from maternity.rules import codes
from maternity.rules.resources import BY_MODEL

from .fields import (
    AliasChoiceField,
    CodeField,
    StrictBooleanField,
    StrictChoiceField,
    StrictFloatField,
    StrictIntegerField,
    StrictMixin,
    TextField,
    UtcDateTimeField,
    camel,
    json_type,
)
from .metadata import resource_metadata


class ResourceSerializer(serializers.ModelSerializer):
    """Meta may set `renames` ({field: wireName}) and `groups` ({wireGroup: {field: innerWireName}})."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: UtcDateTimeField,
        models.BooleanField: StrictBooleanField,
        models.CharField: TextField,
        models.TextField: TextField,
        models.FloatField: StrictFloatField,
        models.IntegerField: StrictIntegerField,
        models.PositiveIntegerField: StrictIntegerField,
        models.PositiveSmallIntegerField: StrictIntegerField,
        models.SmallIntegerField: StrictIntegerField,
    }
    serializer_choice_field = StrictChoiceField

    class Meta:
        renames: dict[str, str] = {}
        groups: dict[str, dict[str, str]] = {}

    _bound = threading.local()

    @cached_property
    def fields(self):
        """The bound fields, made once per class and thread and shared by its serializers: DRF deep-copies
        and binds every field for each new serializer, a millisecond per request body. Resource fields hold
        no state between calls and read no context, so sharing them within a thread is safe."""
        cache = self._bound.__dict__.setdefault("fields", {})
        fields = cache.get(type(self))
        if fields is None:
            fields = cache[type(self)] = BindingDict(self)
            for key, value in self.get_fields().items():
                fields[key] = value
        return fields

    def get_field_names(self, declared_fields, info):
        return [f.name for f in self.Meta.model.content_fields()]

    def get_fields(self):
        """The fields, built from the model once per class and copied for each serializer (DRF builds
        them afresh for every instance, which cost a millisecond or more per resource each time)."""
        built = type(self).__dict__.get("_built_fields")
        if built is None:
            built = self._build_fields()
            type(self)._built_fields = built
        return copy.deepcopy(built)

    def _build_fields(self):
        renames = getattr(self.Meta, "renames", {})
        fields = {}
        for name, field in super().get_fields().items():
            wire = renames.get(name) or camel(name)
            if wire != name and field.source is None:
                field.source = name
                field._kwargs["source"] = name  # DRF copies a field by constructing it again from these
            fields[wire] = field
        return fields

    @classmethod
    def group_members(cls) -> dict[str, dict[str, str]]:
        """{group: {flat wire name: inner wire name}}"""
        renames = getattr(cls.Meta, "renames", {})
        return {
            group: {renames.get(name) or camel(name): inner for name, inner in members.items()}
            for group, members in getattr(cls.Meta, "groups", {}).items()
        }

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError(
                {"non_field_errors": [f"Expected a JSON object, got {json_type(data)}."]}, code="invalid"
            )
        groups = self.group_members()
        grouped = {name for members in groups.values() for name in members}
        writable = {name for name, field in self.fields.items() if not field.read_only}
        allowed = (writable - grouped) | set(groups) | {"metadata"}
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise serializers.ValidationError(
                {key: ["Unknown field."] for key in unknown}, code="unknown_field"
            )
        flat = {key: value for key, value in data.items() if key != "metadata" and key not in groups}
        where = {}  # flat wire name -> "group.inner", for error messages
        for group, members in groups.items():
            value = data.get(group)
            if value is None:  # a group sent as null, or left out: all its fields are null
                value = {}
            if not isinstance(value, dict):
                raise serializers.ValidationError({group: [f"Expected an object, got {json_type(value)}."]})
            inner_to_flat = {inner: name for name, inner in members.items()}
            unknown = sorted(set(value) - set(inner_to_flat))
            if unknown:
                raise serializers.ValidationError(
                    {f"{group}.{key}": ["Unknown field."] for key in unknown}, code="unknown_field"
                )
            for inner, item in value.items():
                flat[inner_to_flat[inner]] = item
                where[inner_to_flat[inner]] = f"{group}.{inner}"
        try:
            return super().to_internal_value(flat)
        except serializers.ValidationError as error:
            if isinstance(error.detail, dict):
                error.detail = {where.get(key, key): value for key, value in error.detail.items()}
            raise

    def to_representation(self, instance):
        flat = super().to_representation(instance)
        for group, members in self.group_members().items():
            flat[group] = {inner: flat.pop(name) for name, inner in members.items()}
        return {"metadata": resource_metadata(instance), **flat}


class MotherSerializer(ResourceSerializer):
    language = CodeField(codes.LANGUAGE)
    country_of_birth = CodeField(codes.COUNTRY)

    class Meta(ResourceSerializer.Meta):
        model = m.Mother


class CurrentPregnancySerializer(ResourceSerializer):
    class Meta(ResourceSerializer.Meta):
        model = m.CurrentPregnancy
        groups = {
            "assistedConception": {
                "had_assisted_conception": "hadAssistedConception",
                "date_assisted_conception": "dateAssistedConception",
            }
        }


class PreviousPregnanciesSerializer(ResourceSerializer):
    class Meta(ResourceSerializer.Meta):
        model = m.PreviousPregnancies


class GeneticDisordersSerializer(ResourceSerializer):
    class Meta(ResourceSerializer.Meta):
        model = m.GeneticDisorders


class MedicalConditionsSerializer(ResourceSerializer):
    class Meta(ResourceSerializer.Meta):
        model = m.MedicalConditions


class MedicationSerializer(ResourceSerializer):
    class Meta(ResourceSerializer.Meta):
        model = m.Medication
        groups = {"folate": {"folate_taken_before": "takenBefore", "folate_taken_during": "takenDuring"}}


class StimuliFrequencySerializer(StrictMixin, serializers.Serializer):
    stimuliFrequency = CodeField(codes.STIMULANT_FREQUENCY)
    dailyCount = StrictIntegerField(min_value=0, max_value=200, allow_null=True, required=False)


class StimulusSerializer(StrictMixin, serializers.Serializer):
    stimuliType = CodeField(codes.STIMULANT_TYPE, allow_null=False, required=True)
    stimuliFrequencyFirstConsultation = StimuliFrequencySerializer(allow_null=True, required=False)
    stimuliFrequencyAtWeek36 = StimuliFrequencySerializer(allow_null=True, required=False)


class LifestyleFactorsSerializer(ResourceSerializer):
    stimuli = StimulusSerializer(many=True, required=False)

    class Meta(ResourceSerializer.Meta):
        model = m.LifestyleFactors


class ClinicalTestsSerializer(ResourceSerializer):
    rhesus_d_type = AliasChoiceField(
        choices=m.RhesusDType.choices,
        aliases={"POSTIVE": "POSITIVE"},
        wire={"POSITIVE": "POSTIVE"},  # NHN's documented spelling
        allow_null=True,
        required=False,
    )

    class Meta(ResourceSerializer.Meta):
        model = m.ClinicalTests
        groups = {
            "aboRh": {"abo_type": "aboType", "rhesus_d_type": "rhesusDType"},
            "glucoseTolerance": {
                "fasting_glucose_level": "fastingGlucoseLevel",
                "post_2h_glucose_level": "post2hGlucoseLevel",
                "glucose_test_date": "testDate",
            },
        }


class RhesusDNegativeSerializer(ResourceSerializer):
    class Meta(ResourceSerializer.Meta):
        model = m.RhesusDNegative


class VitalMeasurementsBeforePregnancySerializer(ResourceSerializer):
    class Meta(ResourceSerializer.Meta):
        model = m.VitalMeasurementsBeforePregnancy
        renames = {"bmi": "bMI"}


class PointsOfContactSerializer(ResourceSerializer):
    class Meta(ResourceSerializer.Meta):
        model = m.PointsOfContact
        groups = {
            "generalPractitioner": {
                "gp_name": "name",
                "gp_organization_name": "organizationName",
                "gp_organization_id": "organizationId",
                "gp_hpr_nr": "hprNr",
            },
            "midwife": {
                "midwife_name": "name",
                "midwife_organization_name": "organizationName",
                "midwife_hpr_nr": "hprNr",
            },
        }


class BirthPlanSerializer(ResourceSerializer):
    class Meta(ResourceSerializer.Meta):
        model = m.BirthPlan
        response_properties = {  # for the OpenAPI schema (spine.schema): written by to_representation
            "acknowledged": {
                "type": "object",
                "nullable": True,
                "readOnly": True,
                "description": "When a professional acknowledged this version of the plan, and who.",
                "properties": {"at": {"type": "string", "format": "date-time"}, "by": {"type": "string"}},
            }
        }

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["acknowledged"] = (
            {
                "at": UtcDateTimeField().to_representation(instance.acknowledged_at),
                "by": instance.acknowledged_by_name,
            }
            if instance.acknowledged_at
            else None
        )
        return data


class FetusVitalSignsSerializer(StrictMixin, serializers.Serializer):
    fosterId = StrictIntegerField(min_value=1, max_value=8)
    fetalHeartRate = StrictIntegerField(min_value=50, max_value=240, allow_null=True, required=False)
    fetalPresentationLie = CodeField(codes.FETAL_PRESENTATION)
    motherFeelsBabyMovements = StrictBooleanField(allow_null=True, required=False)
    note = TextField(max_length=2000, allow_null=True, allow_blank=True, required=False)


class AntenatalAppointmentSerializer(ResourceSerializer):
    fetuses_vital_signs = FetusVitalSignsSerializer(many=True, required=False)

    class Meta(ResourceSerializer.Meta):
        model = m.AntenatalAppointment


class SymphysisFundalHeightSerializer(ResourceSerializer):
    class Meta(ResourceSerializer.Meta):
        model = m.SymphysisFundalHeight


class BirthSerializer(ResourceSerializer):
    class Meta(ResourceSerializer.Meta):
        model = m.Birth


class CareLocationEpisodeSerializer(ResourceSerializer):
    class Meta(ResourceSerializer.Meta):
        model = m.CareLocationEpisode
        read_only_fields = ["care_location", "start_time"]
        response_properties = {  # for the OpenAPI schema (spine.schema): written by to_representation
            "careLocation": {
                "type": "object",
                "readOnly": True,
                "properties": {"orgNr": {"type": "string"}, "name": {"type": "string"}},
            }
        }

    def to_representation(self, instance):
        location = instance.care_location
        return {
            "metadata": resource_metadata(instance),
            "careLocation": {"orgNr": location.org_nr, "name": location.name},
            "startTime": UtcDateTimeField().to_representation(instance.start_time),
        }


class NoteSerializer(ResourceSerializer):
    class Meta(ResourceSerializer.Meta):
        model = m.Note
        read_only_fields = ["kind", "text"]


# --- Extensions: this project's own resource types (docs/api.md, "Extensions") ---------------------------


class BookingSerializer(ResourceSerializer):
    class Meta(ResourceSerializer.Meta):
        model = m.Booking


class NewbornSerializer(StrictMixin, serializers.Serializer):
    birthId = serializers.UUIDField(format="hex_verbose")
    resuscitation = StrictBooleanField(allow_null=True, required=False)
    feeding = StrictChoiceField(choices=m.Feeding.choices, allow_null=True, required=False)


class LabourSerializer(ResourceSerializer):
    analgesia = serializers.ListField(
        child=StrictChoiceField(choices=m.Analgesia.choices), max_length=len(m.Analgesia), required=False
    )
    newborns = serializers.ListField(child=NewbornSerializer(), max_length=8, required=False)

    class Meta(ResourceSerializer.Meta):
        model = m.Labour

    def validate_analgesia(self, value):
        if len(set(value)) != len(value):
            raise serializers.ValidationError("Each kind of analgesia once.")
        if m.Analgesia.NONE in value and len(value) > 1:
            raise serializers.ValidationError("NONE cannot go with another kind of analgesia.")
        return value

    def validate_newborns(self, value):
        ids = [str(baby["birthId"]) for baby in value]
        if len(set(ids)) != len(ids):
            raise serializers.ValidationError("Each baby (birthId) once.")
        return [{**baby, "birthId": str(baby["birthId"])} for baby in value]


class PostnatalMotherVisitSerializer(ResourceSerializer):
    epds_answers = serializers.ListField(
        child=StrictIntegerField(min_value=0, max_value=3), max_length=10, required=False
    )

    class Meta(ResourceSerializer.Meta):
        model = m.PostnatalMotherVisit

    def validate_epds_answers(self, value):
        if value and len(value) != 10:
            raise serializers.ValidationError(
                f"The Edinburgh Postnatal Depression Scale has 10 answers, each 0-3: got {len(value)}."
            )
        return value


class PostnatalBabyVisitSerializer(ResourceSerializer):
    class Meta(ResourceSerializer.Meta):
        model = m.PostnatalBabyVisit


class AlertAcknowledgementSerializer(ResourceSerializer):
    class Meta(ResourceSerializer.Meta):
        model = m.AlertAcknowledgement


SERIALIZERS: dict[str, type[ResourceSerializer]] = {
    BY_MODEL[serializer.Meta.model].name: serializer for serializer in ResourceSerializer.__subclasses__()
}
