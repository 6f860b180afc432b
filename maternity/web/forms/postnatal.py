"""The postnatal visit forms: the mother's (with the Edinburgh Postnatal Depression Scale as its ten
questions, four answers each) and a baby's (the baby chosen from the record's births)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maternity.presentation import specs
from maternity.rules.postnatal import EPDS_ITEMS, EPDS_QUESTIONS
from maternity.rules.resources import RESOURCE_TYPES

from ...models import Birth, Pregnancy
from .sections import SectionForm


def epds_name(number: int) -> str:
    return f"epds_{number}"


class MotherVisitForm(SectionForm):
    """The visit's fields; `epds_answers` as ten questions (all ten answered, or none: not asked)."""

    def __init__(self, *args, record: Pregnancy, **kwargs):
        super().__init__(*args, rt=RESOURCE_TYPES["postnatalMotherVisits"], record=record, **kwargs)
        del self.fields["epds_answers"]
        for number, (question, answers) in enumerate(EPDS_QUESTIONS, start=1):
            self.fields[epds_name(number)] = forms.TypedChoiceField(
                label=f"{number}. {question}",
                choices=[(str(score), text) for score, text in answers],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "choices"}),
            )
        if not self.is_bound and "visit_date" not in self.initial:
            self.initial["visit_date"] = timezone.localdate()

    def visit_fields(self):
        return [self[name] for name in self.fields if not name.startswith("epds_")]

    def epds_fields(self):
        return [self[epds_name(number)] for number in range(1, EPDS_ITEMS + 1)]

    def clean(self):
        data = super().clean()
        answers = [data.get(epds_name(number)) for number in range(1, EPDS_ITEMS + 1)]
        given = [answer for answer in answers if answer is not None]
        if given and len(given) != EPDS_ITEMS:
            missing = [str(n) for n, answer in enumerate(answers, start=1) if answer is None]
            self.add_error(
                None,
                ngettext(
                    "Answer all ten EPDS questions, or none if it was not asked: question %(numbers)s has "
                    "no answer.",
                    "Answer all ten EPDS questions, or none if it was not asked: questions %(numbers)s have "
                    "no answer.",
                    len(missing),
                )
                % {"numbers": ", ".join(missing)},
            )
        data["epds_answers"] = answers if len(given) == EPDS_ITEMS else []
        return data

    def visit(self) -> dict:
        """What the services take: the content fields only."""
        return {name: self.cleaned_data[name] for name in specs.content_field_names(self.rt)}

    @staticmethod
    def initial_from(item) -> dict:
        rt = RESOURCE_TYPES["postnatalMotherVisits"]
        initial = {name: getattr(item, name) for name in specs.content_field_names(rt)}
        for number, answer in enumerate(item.epds_answers or [], start=1):
            initial[epds_name(number)] = answer
        return initial


def baby_label(number: int, birth: Birth) -> str:
    words = {"number": number, "when": specs.when(birth.birth_time), "weight": birth.birth_weight}
    if birth.birth_weight:
        return _("Baby %(number)s (born %(when)s, %(weight)s g)") % words
    return _("Baby %(number)s (born %(when)s)") % words


class BabyVisitForm(SectionForm):
    """The visit's fields; the baby chosen from the record's births (those not entered in error)."""

    def __init__(self, *args, record: Pregnancy, births: list[Birth], **kwargs):
        super().__init__(*args, rt=RESOURCE_TYPES["postnatalBabyVisits"], record=record, **kwargs)
        self.births = {str(birth.pk): birth for birth in births}
        self.fields["birth_id"] = forms.TypedChoiceField(
            label=_("Baby"),
            choices=[(str(birth.pk), baby_label(n, birth)) for n, birth in enumerate(births, start=1)],
            required=True,
        )
        self.fields = {"birth_id": self.fields.pop("birth_id"), **self.fields}  # the baby first
        if not self.is_bound and "visit_date" not in self.initial:
            self.initial["visit_date"] = timezone.localdate()

    def visit(self) -> dict:
        return {name: self.cleaned_data[name] for name in specs.content_field_names(self.rt)}
