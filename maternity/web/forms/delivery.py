"""The delivery step's form: labour and birth once, then one block per baby (NHN's birth fields, and the
baby's resuscitation and feeding). Each part is a form of its own with its own prefix (`baby1`, `baby2`...),
so what was typed in every block comes back when any of them is wrong."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from maternity.presentation import specs
from maternity.rules.resources import RESOURCE_TYPES

from ...models import Analgesia, Feeding, Pregnancy
from .sections import SectionForm, YesNoUnknownField

NOT_RECORDED = _("Not recorded")


class LabourForm(SectionForm):
    """The labour section's fields, without `newborns` (each baby's block holds them); analgesia as
    checkboxes."""

    def __init__(self, *args, record: Pregnancy, **kwargs):
        super().__init__(*args, rt=RESOURCE_TYPES["labour"], record=record, **kwargs)
        del self.fields["newborns"]
        self.fields["analgesia"] = forms.MultipleChoiceField(
            label=_("Analgesia"),
            choices=Analgesia.choices,
            required=False,
            widget=forms.CheckboxSelectMultiple(attrs={"class": "choices"}),
            help_text=_("Every kind used."),
        )

    def groups(self):
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in specs.grouped_fields(self.rt)
        ]


class BabyForm(SectionForm):
    """One baby: its `births` item, and what NHN's birth has no place for."""

    def __init__(self, *args, number: int, record: Pregnancy, **kwargs):
        super().__init__(*args, rt=RESOURCE_TYPES["births"], record=record, prefix=f"baby{number}", **kwargs)
        self.number = number
        self.fields["birth_time"].required = True
        self.fields["live_birth"].help_text = _("Required.")
        self.fields["resuscitation"] = YesNoUnknownField(
            label=_("Resuscitation at birth"),
            required=False,
            widget=forms.RadioSelect(
                choices=[("", NOT_RECORDED), ("True", _("Yes")), ("False", _("No"))],
                attrs={"class": "choices"},
            ),
        )
        self.fields["feeding"] = forms.TypedChoiceField(
            label=_("Feeding"),
            choices=[("", NOT_RECORDED), *Feeding.choices],
            required=False,
            empty_value=None,
        )

    def groups(self):
        return [("", [self[name] for name in self.fields])]

    def clean(self):
        data = super().clean()
        if data.get("live_birth") is None and "live_birth" not in self.errors:
            self.add_error("live_birth", gettext("Say whether the baby was born alive or stillborn."))
        return data

    def baby(self) -> dict:
        """What the delivery service takes for this baby."""
        return dict(self.cleaned_data)


def baby_count(data, *, at_least: int) -> int:
    """How many baby blocks the page shows: what the form posted (`babies`), else the number of fetuses."""
    try:
        count = int(data.get("babies", at_least))
    except (TypeError, ValueError):
        count = at_least
    return max(1, min(count, 8))
