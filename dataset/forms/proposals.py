"""The form for a new change proposal: what, why, which resources, a draft of the fields (rows of a
formset, more added without JavaScript by "More rows"), and for a Care Location admin the client system
she proposes it for."""

from collections.abc import Sequence

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from dataset.models import DraftFieldType
from dataset.models.proposals import NEW_RESOURCE, TEXT_MAX, TITLE_MAX
from dataset.proposal_reads import resource_label
from dataset.services.proposal_input import DESCRIPTION_MAX, DRAFT_FIELDS_MAX, UNIT_MAX
from maternity.rules.resources import RESOURCE_TYPES
from spine.models import SpineClient

FIRST_ROWS = 3  # empty rows of the draft on a new form
MORE_ROWS = 3  # added by "More rows"
FIELDS_PREFIX = "fields"


def resource_choices() -> list[tuple[str, str]]:
    """The data set's resources by wire name, labelled in the active language; "A new resource" last."""
    return [(name, f"{resource_label(name)} ({name})") for name in RESOURCE_TYPES] + [
        (NEW_RESOURCE, resource_label(NEW_RESOURCE))
    ]


class ProposalForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": TITLE_MAX, "size": 60}),
        help_text=_("The change in a few words, e.g. “Record the umbilical cord blood pH”."),
    )
    change = forms.CharField(
        label=_("What should change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": TEXT_MAX}),
        help_text=_("Which fields, codes or rules should be added, changed or removed."),
    )
    reason = forms.CharField(
        label=_("Why"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": TEXT_MAX}),
        help_text=_("What it is for, who needs it, and what happens today without it."),
    )
    resources = forms.MultipleChoiceField(
        label=_("Which resources it touches"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose among the resources listed: %(value)s is not one.")},
    )
    on_behalf_of = forms.TypedChoiceField(
        label=_("For a client system"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_(
            "As a Care Location admin you may propose this for one of your locations' client systems, "
            "for its vendor."
        ),
        error_messages={"invalid_choice": _("Choose one of your locations' client systems, or none.")},
    )

    def __init__(self, *args, clients: Sequence[SpineClient] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resources"].choices = resource_choices()  # type: ignore[attr-defined]
        if clients:
            self.fields["on_behalf_of"].choices = [  # type: ignore[attr-defined]
                ("", _("None: I propose it myself")),
                *[(str(client.pk), f"{client.name} ({client.care_location.name})") for client in clients],
            ]
        else:
            del self.fields["on_behalf_of"]


class DraftFieldForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), required=False, widget=forms.TextInput(attrs={"maxlength": 60, "size": 18})
    )
    type = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[("", "—"), *DraftFieldType.choices],
        error_messages={"invalid_choice": _("Choose one of the types listed.")},
    )
    unit = forms.CharField(
        label=_("Unit"), required=False, widget=forms.TextInput(attrs={"maxlength": UNIT_MAX, "size": 8})
    )
    required = forms.BooleanField(label=_("Required"), required=False)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": DESCRIPTION_MAX, "size": 30}),
    )

    def row(self) -> dict | None:
        """The row as the service takes it; None when nothing was written in it."""
        data = self.cleaned_data
        if not any(data.get(name) for name in ("name", "type", "unit", "required", "description")):
            return None
        return {name: data.get(name, "") for name in ("name", "type", "unit", "description")} | {
            "required": bool(data.get("required"))
        }


DraftFieldFormSet = formset_factory(
    DraftFieldForm,
    extra=FIRST_ROWS,
    max_num=DRAFT_FIELDS_MAX,
    absolute_max=DRAFT_FIELDS_MAX,
    validate_max=True,
)
