"""Restricting an entry, and opening one restricted by another Care Location (with a reason)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ...errors import RecordError
from ...models import BreakGlassReason, RestrictionCategory
from ...services.finding import MAX_REASON, break_glass_reason_check
from .finding import REASON_FIELDS


class RestrictForm(forms.Form):
    category = forms.ChoiceField(
        label=_("What makes it sensitive?"),
        choices=RestrictionCategory.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what makes the entry sensitive."),
            "invalid_choice": _("Choose one of the categories listed."),
        },
    )
    hidden_from_patient = forms.BooleanField(
        label=_("Hide it from her portal too"),
        required=False,
        help_text=_(
            "Only where seeing it there could harm her or someone else. Otherwise she sees it as usual."
        ),
    )
    confirm = forms.BooleanField(
        label=_(
            "I understand: other Care Locations and client systems will see only that something is "
            "restricted, unless they open it with a reason."
        ),
        error_messages={"required": _("Confirm that you understand what restricting does.")},
    )


class OpenForm(forms.Form):
    reason_code = forms.ChoiceField(
        label=_("Reason for opening it"),
        choices=BreakGlassReason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the reason you need to see it."),
            "invalid_choice": _("Choose one of the reasons listed."),
        },
    )
    reason = forms.CharField(
        label=_("Why do you need to see it?"),
        required=False,  # the service's rule says what is missing (break_glass_reason_check)
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": MAX_REASON}),
        help_text=_("In a sentence. The Care Location that restricted it reviews every opening."),
    )

    def clean(self):
        data = super().clean()
        try:
            break_glass_reason_check(code=data.get("reason_code"), text=data.get("reason"))
        except RecordError as error:
            field = REASON_FIELDS.get(error.field or "")
            if field not in self.errors:
                self.add_error(field, error.message)
        return data
