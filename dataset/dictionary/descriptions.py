"""What each field of the data set means, in words a clinician and a supplier read alike: one sentence per
field, by resource type and wire path, and its unit (UCUM). Hand-written, so they say what no model can.

Every field the serializers expose must be described here (dataset/tests/test_dictionary_tie.py names any
that is not, and any described here that no longer exists). A group or a nested object's member, which has
no model field and so no label in maternity/presentation/specs.py, gets its label here too (`LABELS`).
"""

from django.utils.translation import gettext_lazy as _

from maternity.rules.wording import Text

# Shared sentences: the same meaning in several resource types.
NOTE = _("Free text about what the rest of this resource does not hold.")
BIRTH_ID = _("The baby: the id of its item in births.")

DESCRIPTIONS: dict[str, dict[str, Text]] = {
    "mother": {
        "name": _("The pregnant woman's full name."),
        "address": _("Her home address: street and house number."),
        "postNumber": _("The postcode of her home address."),
        "postName": _("The post town of her home address."),
        "employedLast6Months": _("Whether she has been in paid work at any time in the last six months."),
        "employmentPercentage": _("How much she works, as a share of full time."),
        "occupationAndIndustry": _("Her occupation and the industry she works in."),
        "language": _("The language she speaks best."),
        "countryOfBirth": _("The country she was born in."),
        "needsLanguageInterpreter": _("Whether she needs an interpreter to talk with health personnel."),
        "cohabitingCoparent": _("Whether she lives with the baby's other parent."),
        "cohabitingCoparentNote": _("Free text about the other parent or her living situation."),
    },
    "currentPregnancy": {
        "dateLastPeriod": _("The first day of her last menstrual period (LMP)."),
        "dueDate": _("The due date worked out from the last menstrual period (LMP + 280 days)."),
        "dueDateBasedOnUltrasound": _("The due date from the dating ultrasound scan."),
        "dueDateCorrectedDate": _(
            "A due date corrected by a professional: when given, it is the agreed due date."
        ),
        "hasPrenatalDiagnosticsTests": _(
            "Whether she has been told about prenatal diagnostic tests (not whether she had any)."
        ),
        "numberOfFetuses": _("How many fetuses the pregnancy carries."),
        "assistedConception": _("Whether the pregnancy came from assisted reproduction, and when."),
        "assistedConception.hadAssistedConception": _(
            "Whether the pregnancy came from assisted reproduction (IVF, insemination or the like)."
        ),
        "assistedConception.dateAssistedConception": _("The date of the embryo transfer or insemination."),
        "birthPreparationTalk": _("Whether a conversation to prepare her for the birth has been held."),
        "breastfeedingGuidance": _("Whether she has been given guidance on breastfeeding."),
    },
    "previousPregnancies": {
        "numberOfPreviousPregnancies": _("How many times she has been pregnant before this pregnancy."),
        "numberOfPreviousLiveBirths": _("How many live-born children she has given birth to before."),
        "spontaneousMiscarriages": _("How many earlier pregnancies ended in a miscarriage."),
        "stillBirths22weeks": _(
            "How many stillborn babies she has given birth to from 22 weeks of pregnancy."
        ),
        "numberOfEctopicPregnancies": _("How many earlier pregnancies were ectopic (outside the womb)."),
        "note": NOTE,
    },
    "geneticDisorders": {
        "noneKnown": _("True when no hereditary disease is known in the family."),
        "parentsAreRelatives": _("Whether the baby's parents are related by blood."),
        "hipDysplasia": _("Whether hip dysplasia runs in the family."),
        "other": _("Whether another hereditary disease is known in the family (described in the note)."),
        "note": NOTE,
    },
    "medicalConditions": {
        "nothingParticular": _("True when she has no illness of note, earlier or now."),
        "heartDisease": _("Whether she has or has had heart disease."),
        "highBloodPressure": _("Whether she had high blood pressure before the pregnancy."),
        "kidneyUrinaryTractDiseases": _("Whether she has or has had a kidney or urinary tract disease."),
        "diabetes": _("Whether she has diabetes."),
        "allergiesAsthma": _("Whether she has allergies or asthma (one answer for both)."),
        "epilepsy": _("Whether she has epilepsy."),
        "thrombosis": _("Whether she has had a blood clot (thrombosis)."),
        "autoimmuneDisease": _("Whether she has an autoimmune disease."),
        "gynecologicalConditions": _("Whether she has or has had a gynaecological condition."),
        "mentalHealth": _("Whether she has or has had a mental illness."),
        "other": _("Whether she has another illness of note (described in the note)."),
        "note": NOTE,
    },
    "medication": {
        "medicationFrequency": _("The medicines she takes and how often."),
        "drugAllergy": _("Whether she is allergic to a medicine."),
        "folate": _("Whether she took folic acid before and during the pregnancy."),
        "folate.takenBefore": _("Whether she took folic acid before she became pregnant."),
        "folate.takenDuring": _("Whether she takes folic acid during the pregnancy."),
        "note": NOTE,
    },
    "lifestyleFactors": {
        "stimuli": _("Her use of tobacco, snus, alcohol and other stimulants: one item per substance."),
        "stimuli[].stimuliType": _("The substance the item is about."),
        "stimuli[].stimuliFrequencyFirstConsultation": _("Her use of it, as told at the first consultation."),
        "stimuli[].stimuliFrequencyFirstConsultation.stimuliFrequency": _(
            "How often she used it, as told at the first consultation."
        ),
        "stimuli[].stimuliFrequencyFirstConsultation.dailyCount": _(
            "How many a day (cigarettes, portions), as told at the first consultation."
        ),
        "stimuli[].stimuliFrequencyAtWeek36": _("Her use of it, as told at week 36."),
        "stimuli[].stimuliFrequencyAtWeek36.stimuliFrequency": _(
            "How often she used it, as told at week 36."
        ),
        "stimuli[].stimuliFrequencyAtWeek36.dailyCount": _(
            "How many a day (cigarettes, portions), as told at week 36."
        ),
        "note": NOTE,
    },
    "clinicalTests": {
        "hemoglobin": _("Haemoglobin in her blood, early in the pregnancy."),
        "hemoglobinAt3rdTrimester": _("Haemoglobin in her blood in the third trimester."),
        "ferritin": _("Ferritin in her blood: how much iron she has stored."),
        "hbv": _("Test for hepatitis B surface antigen (HBsAg): true if positive."),
        "hbvCore": _("Test for hepatitis B core antibody (anti-HBc): true if positive."),
        "hiv": _("Test for HIV: true if positive."),
        "syphilis": _("Test for syphilis: true if positive."),
        "bloodAntibodies": _("Screening for red cell antibodies (blood group immunisation): true if found."),
        "chlamydia": _("Test for chlamydia: true if positive."),
        "toxoplasmosis": _("Test for toxoplasmosis: true if positive."),
        "rubellaAntigen": _(
            "Test for rubella IgG, her immunity to rubella (NHN's name says antigen): true if positive."
        ),
        "hepatitisC": _("Test for hepatitis C: true if positive."),
        "mrsaVreEsbl": _("Screening for resistant bacteria (MRSA, VRE or ESBL): true if she carries any."),
        "gonorrhea": _("Test for gonorrhoea: true if positive."),
        "cytomegaloVirus": _("Test for cytomegalovirus (CMV): true if positive."),
        "asymptomaticBacteriuria": _("Urine culture for bacteria without symptoms: true if found."),
        "groupBStreptococci": _("Test for group B streptococcus (GBS): true if found."),
        "aboRh": _("Her blood group: ABO and RhD."),
        "aboRh.aboType": _("Her ABO blood group."),
        "aboRh.rhesusDType": _(
            "Her RhD type. NHN spells positive POSTIVE, and so does this API; POSITIVE is accepted too."
        ),
        "bHbA1c": _("HbA1c in her blood: her average blood sugar over the last two to three months."),
        "glucoseTolerance": _("Her oral glucose tolerance test: the two glucose values and the date."),
        "glucoseTolerance.fastingGlucoseLevel": _("Her blood glucose fasting, before the glucose drink."),
        "glucoseTolerance.post2hGlucoseLevel": _("Her blood glucose two hours after the glucose drink."),
        "glucoseTolerance.testDate": _("The date of the glucose tolerance test."),
        "note": NOTE,
    },
    "rhesusDNegative": {
        "consentFetalRhesusTyping": _("Whether she agreed to a test of the fetus's RhD type from her blood."),
        "fetusRhDPositiveAtWeek24": _("Whether the test around week 24 found the fetus RhD positive."),
        "prophylaxisAtWeek28": _("Whether she was given anti-D prophylaxis at week 28."),
        "dateForResult": _("The date of the fetal RhD test's result."),
        "note": NOTE,
    },
    "vitalMeasurementsBeforePregnancy": {
        "height": _("Her height."),
        "prePregnancyWeight": _("Her weight before she became pregnant."),
        "bMI": _("Her body mass index before the pregnancy, weight over height squared (NHN spells it bMI)."),
    },
    "pointsOfContact": {
        "generalPractitioner": _("Her general practitioner (GP)."),
        "generalPractitioner.name": _("The GP's name."),
        "generalPractitioner.organizationName": _("The name of the GP's practice."),
        "generalPractitioner.organizationId": _("The organisation number of the GP's practice."),
        "generalPractitioner.hprNr": _("The GP's number in the health personnel register (HPR)."),
        "midwife": _("Her midwife in antenatal care."),
        "midwife.name": _("The midwife's name."),
        "midwife.organizationName": _("The name of the midwife's organisation."),
        "midwife.hprNr": _("The midwife's number in the health personnel register (HPR)."),
        "birthInstitute": _("Where she plans to give birth."),
        "maternityHealthcareCentre": _("The maternity health centre that follows her up."),
    },
    "birthPlan": {
        "placeOfBirth": _("Where she would like to give birth."),
        "birthCompanions": _("Who she would like with her at the birth."),
        "painRelief": _("Her wishes for pain relief."),
        "positionsAndWater": _("Her wishes for positions in labour and for using water."),
        "monitoring": _("Her wishes for how the baby is monitored in labour."),
        "cordClamping": _("Her wishes for when the cord is clamped and who cuts it."),
        "skinToSkin": _("Her wishes for skin-to-skin contact after the birth."),
        "feeding": _("How she wishes to feed the baby."),
        "photos": _("Her wishes for photos or filming."),
        "languageOrInterpreter": _("Her wishes for language or an interpreter at the birth."),
        "otherWishes": _("Anything else she wishes for the birth."),
        "acknowledged": _("When a professional read this version of her plan, and who: null until one has."),
        "acknowledged.at": _("When a professional acknowledged the plan."),
        "acknowledged.by": _("The name of the professional who acknowledged it."),
    },
    "antenatalAppointments": {
        "appointmentDate": _("The date of the antenatal check."),
        "pregnancyWeek": _("Completed weeks of pregnancy at the check (the 32 of 32+4)."),
        "daysAfterFullPregnancyWeek": _("Days past the completed weeks at the check (the 4 of 32+4)."),
        "motherWeight": _("Her weight at the check."),
        "bloodPressure": _("Her blood pressure at the check, systolic/diastolic."),
        "proteinInUrineTestResult": _("Protein in her urine by dipstick: negative, trace, or 1+ to 3+."),
        "edema": _("Swelling (oedema), graded from 0 (none) to 3."),
        "fetusesVitalSigns": _("What was found for each fetus at the check: one item per fetus."),
        "fetusesVitalSigns[].fosterId": _(
            "Which fetus the item is about: 1, or 1, 2... in a multiple pregnancy."
        ),
        "fetusesVitalSigns[].fetalHeartRate": _("The fetus's heart rate."),
        "fetusesVitalSigns[].fetalPresentationLie": _("How the fetus lies, and which part of it leads."),
        "fetusesVitalSigns[].motherFeelsBabyMovements": _("Whether she feels the baby move."),
        "fetusesVitalSigns[].note": _("Free text about this fetus."),
        "medication": _("Whether she takes a medicine at the time of the check."),
        "employmentRate": _("How much she works at the time of the check, as a share of full time."),
        "note": NOTE,
    },
    "symphysisFundalHeights": {
        "pregnancyWeek": _("Completed weeks of pregnancy when measured."),
        "measurement": _("From the top of the pubic bone to the top of the womb, measured with a tape."),
        "measurementDate": _("The date of the measurement."),
    },
    "births": {
        "birthTime": _("When the baby was born."),
        "sex": _("The baby's sex."),
        "birthWeight": _("The baby's weight at birth."),
        "gestationWeeks": _("Completed weeks of pregnancy at the birth."),
        "gestationDays": _("Days past the completed weeks at the birth."),
        "liveBirth": _("Whether the baby was born alive: false for a stillbirth."),
        "modeOfBirth": _("How the baby was born."),
        "apgar1Minute": _("The baby's Apgar score one minute after the birth (0 to 10)."),
        "apgar5Minutes": _("The baby's Apgar score five minutes after the birth (0 to 10)."),
        "apgar10Minutes": _("The baby's Apgar score ten minutes after the birth (0 to 10)."),
        "note": NOTE,
    },
    "careLocations": {
        "careLocation": _("The Care Location that took active care."),
        "careLocation.orgNr": _("The Care Location's organisation number."),
        "careLocation.name": _("The Care Location's name."),
        "startTime": _("When its active care began: the latest start names the active Care Location."),
    },
    "notes": {
        "kind": _("What happened to the record."),
        "text": _("What the system wrote about it."),
    },
    "labour": {
        "onset": _("How labour began."),
        "inductionReason": _("Why labour was induced."),
        "augmentation": _("Whether labour was sped up (augmented)."),
        "firstStageMinutes": _("How long the first stage of labour lasted, until full dilatation."),
        "secondStageMinutes": _("How long the second stage lasted, from full dilatation to the birth."),
        "thirdStageMinutes": _("How long the third stage lasted, from the birth to the placenta."),
        "bloodLossMl": _("How much blood she lost at the birth."),
        "perinealTrauma": _("A tear or cut of the perineum, or none."),
        "analgesia": _("Every kind of pain relief she had in labour."),
        "newborns": _("What the births items have no place for: one item per baby."),
        "newborns[].birthId": BIRTH_ID,
        "newborns[].resuscitation": _("Whether the baby needed resuscitation."),
        "newborns[].feeding": _("How the baby was first fed."),
        "note": NOTE,
    },
    "bookings": {
        "startsAt": _("When the visit is booked for."),
        "durationMinutes": _("How long the visit is booked for."),
        "kind": _("What kind of visit it is."),
        "place": _("Where the visit is."),
        "withWhom": _("Who she will see."),
        "status": _("Booked, cancelled, or attended (a visit was recorded against it)."),
        "cancellationReason": _("Why the booking was cancelled."),
        "visitId": _("The visit recorded against the booking: the id of its antenatal or postnatal visit."),
        "plannedWeek": _(
            "The week of pregnancy the national schedule planned it for: null when booked by hand."
        ),
        "note": NOTE,
    },
    "postnatalMotherVisits": {
        "visitDate": _("The date of the postnatal visit."),
        "bloodPressure": _("Her blood pressure, systolic/diastolic."),
        "bleeding": _("Her bleeding after the birth, against what is expected."),
        "wound": _("How her wound (a tear, a cut or a caesarean) is healing."),
        "epdsAnswers": _(
            "Her ten answers to the Edinburgh Postnatal Depression Scale, each scored 0 to 3, in order: "
            "empty when not asked."
        ),
        "discharged": _("Whether she was discharged from postnatal care at this visit."),
        "note": NOTE,
    },
    "postnatalBabyVisits": {
        "visitDate": _("The date of the baby's postnatal visit."),
        "birthId": BIRTH_ID,
        "weight": _("The baby's weight at the visit."),
        "feeding": _("How the baby is fed."),
        "jaundice": _("Whether the baby is jaundiced, and whether it needs treatment."),
        "discharged": _("Whether the baby was discharged from postnatal care at this visit."),
        "note": NOTE,
    },
    "alertAcknowledgements": {
        "alertCode": _("Which alert was acknowledged."),
        "subject": _(
            "What raised the alert, e.g. antenatalAppointments/<id>@3: a new reading raises it again."
        ),
        "alertDetail": _("The alert's sentence as the midwife saw it."),
        "actionTaken": _("What the midwife did about it."),
    },
}

# Labels of the fields with no model field of their own (a group, a nested object's member); the others'
# are the record pages' (maternity/presentation/specs.py).
LABELS: dict[str, dict[str, Text]] = {
    "currentPregnancy": {"assistedConception": _("About assisted conception")},
    "medication": {"folate": _("Folic acid")},
    "lifestyleFactors": {
        "stimuli[].stimuliType": _("Stimulant"),
        "stimuli[].stimuliFrequencyFirstConsultation": _("At the first consultation"),
        "stimuli[].stimuliFrequencyFirstConsultation.stimuliFrequency": _("How often"),
        "stimuli[].stimuliFrequencyFirstConsultation.dailyCount": _("How many a day"),
        "stimuli[].stimuliFrequencyAtWeek36": _("At week 36"),
        "stimuli[].stimuliFrequencyAtWeek36.stimuliFrequency": _("How often"),
        "stimuli[].stimuliFrequencyAtWeek36.dailyCount": _("How many a day"),
    },
    "clinicalTests": {"aboRh": _("Blood group"), "glucoseTolerance": _("Glucose tolerance test")},
    "pointsOfContact": {"generalPractitioner": _("GP"), "midwife": _("Midwife")},
    "birthPlan": {
        "acknowledged": _("Acknowledged"),
        "acknowledged.at": _("Acknowledged at"),
        "acknowledged.by": _("Acknowledged by"),
    },
    "antenatalAppointments": {
        "fetusesVitalSigns[].fosterId": _("Fetus number"),
        "fetusesVitalSigns[].fetalHeartRate": _("Fetal heart rate"),
        "fetusesVitalSigns[].fetalPresentationLie": _("Presentation and lie"),
        "fetusesVitalSigns[].motherFeelsBabyMovements": _("Movements felt"),
        "fetusesVitalSigns[].note": _("Note"),
    },
    "careLocations": {"careLocation.orgNr": _("Organisation number"), "careLocation.name": _("Name")},
    "labour": {
        "newborns[].birthId": _("Baby"),
        "newborns[].resuscitation": _("Resuscitated"),
        "newborns[].feeding": _("Feeding"),
    },
}

# Units as UCUM codes (https://ucum.org): what a number is counted in.
UNITS: dict[str, dict[str, str]] = {
    "mother": {"employmentPercentage": "%"},
    "lifestyleFactors": {
        "stimuli[].stimuliFrequencyFirstConsultation.dailyCount": "/d",
        "stimuli[].stimuliFrequencyAtWeek36.dailyCount": "/d",
    },
    "clinicalTests": {
        "hemoglobin": "g/dL",
        "hemoglobinAt3rdTrimester": "g/dL",
        "ferritin": "ug/L",
        "bHbA1c": "mmol/mol",
        "glucoseTolerance.fastingGlucoseLevel": "mmol/L",
        "glucoseTolerance.post2hGlucoseLevel": "mmol/L",
    },
    "vitalMeasurementsBeforePregnancy": {"height": "cm", "prePregnancyWeight": "kg", "bMI": "kg/m2"},
    "antenatalAppointments": {
        "pregnancyWeek": "wk",
        "daysAfterFullPregnancyWeek": "d",
        "motherWeight": "kg",
        "bloodPressure": "mm[Hg]",
        "employmentRate": "%",
        "fetusesVitalSigns[].fetalHeartRate": "/min",
    },
    "symphysisFundalHeights": {"pregnancyWeek": "wk", "measurement": "cm"},
    "births": {"birthWeight": "g", "gestationWeeks": "wk", "gestationDays": "d"},
    "labour": {
        "firstStageMinutes": "min",
        "secondStageMinutes": "min",
        "thirdStageMinutes": "min",
        "bloodLossMl": "mL",
    },
    "bookings": {"durationMinutes": "min", "plannedWeek": "wk"},
    "postnatalMotherVisits": {"bloodPressure": "mm[Hg]"},
    "postnatalBabyVisits": {"weight": "g"},
}

# The Volven code systems' names, as a page shows them (maternity/rules/codes.py titles them in English).
CODE_SYSTEM_TITLES: dict[str, Text] = {
    "VOLVEN_9043": _("Country"),
    "VOLVEN_3303": _("Language"),
    "VOLVEN_8534": _("Fetal presentation and lie"),
    "VOLVEN_8536": _("Stimulant"),
    "VOLVEN_8537": _("Stimulant use frequency"),
}
