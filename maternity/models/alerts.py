"""A midwife's acknowledgement of an alert (an extension to NHN's record): which alert, about what, and
what was done. `subject` names what raised it (e.g. `antenatalAppointments/<id>@3`), so a new reading
raises the alert again. Written by `maternity.services.alerts` after checking the alert still stands."""

from django.db import models

from .base import ListResource


class AlertAcknowledgement(ListResource):
    alert_code = models.CharField(max_length=30)  # a rules Flag's code, e.g. "bp-high"
    subject = models.CharField(max_length=200)
    alert_detail = models.CharField(max_length=500)  # the alert's sentence as she saw it
    action_taken = models.TextField(max_length=2000)

    class Meta:
        ordering = ["last_updated"]
        indexes = [models.Index(fields=["record", "alert_code"], name="alert_ack_record_code")]
