"""Forms for changing a record's status and pulling active care."""

from typing import cast

from django import forms
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from ...models import RecordStatus

LOCAL_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), widget=forms.RadioSelect)
    version = forms.IntegerField(widget=forms.HiddenInput)
    delivery_date = forms.DateTimeField(
        label=_("Date and time of delivery"), required=False, widget=LOCAL_DATETIME
    )
    live_birth = forms.TypedChoiceField(
        label=_("Live birth"),
        required=False,
        choices=[("", "—"), ("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        empty_value=None,
    )
    termination_date = forms.DateTimeField(
        label=_("Date and time of termination"), required=False, widget=LOCAL_DATETIME
    )

    def __init__(self, *args, current: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current
        choices = [
            (RecordStatus.DELIVERED, pgettext("record status", "Delivered")),
            (RecordStatus.TERMINATED, pgettext("record status", "Terminated")),
        ]
        if current != RecordStatus.ACTIVE:
            choices = [(RecordStatus.ACTIVE, gettext("Active again (a correction)")), *choices]
        choices.append(
            (RecordStatus.ENTERED_IN_ERROR, gettext("Entered in error (the record should not exist)"))
        )
        status = cast(forms.ChoiceField, self.fields["status"])  # the field declared above
        status.choices = [(value, label) for value, label in choices if value != current]

    def clean(self):
        data = super().clean()
        status = data.get("status")
        # An active record's delivery is the delivery step's (views/delivery.py): it asks for the babies and
        # their times. A correction of an ended record to DELIVERED gives the date and outcome here.
        if status == RecordStatus.DELIVERED and self.current != RecordStatus.ACTIVE:
            if data.get("delivery_date") is None:
                self.add_error("delivery_date", gettext("Give the date and time of delivery."))
            if data.get("live_birth") is None:
                self.add_error("live_birth", gettext("Say whether it was a live birth."))
        if status == RecordStatus.TERMINATED and data.get("termination_date") is None:
            self.add_error("termination_date", gettext("Give the date and time of the termination."))
        return data  # whether the date is possible for this pregnancy: the status change's own rule


class PullCareForm(forms.Form):
    start_time = forms.DateTimeField(
        label=_("Care starts"),
        required=False,
        widget=LOCAL_DATETIME,
        help_text=_(
            "Leave empty for now. An earlier time records an episode of care in the past; the "
            "Care Location with the latest start holds active care."
        ),
    )
