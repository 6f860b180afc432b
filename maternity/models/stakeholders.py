"""Stakeholders: django-guardian object permissions on Pregnancy, as direct foreign keys.

A Care Location's group holds `access_pregnancy` on each pregnancy it is a stakeholder of; single users
hold it after breaking glass. Each grant says when and why. Only stakeholder services write these.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase


class StakeholderReason(models.TextChoices):
    CREATED = "CREATED", gettext_lazy("Created the record")
    ACTIVE_CARE = "ACTIVE_CARE", gettext_lazy("Has had active care")
    API_ACCESS = "API_ACCESS", gettext_lazy("Read or wrote the record with the pregnancy keys")
    BREAK_GLASS = "BREAK_GLASS", gettext_lazy("Found the record by its keys with a break-glass reason")


class PregnancyGroupPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey("maternity.Pregnancy", on_delete=models.CASCADE)
    granted_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=20, choices=StakeholderReason.choices)
    detail = models.TextField(blank=True)

    class Meta(GroupObjectPermissionBase.Meta):
        abstract = False
        indexes = [
            models.Index(fields=["group", "content_object"], name="stakeholder_group_record"),
            # "Is this location a stakeholder of this record?", asked once per row by the event feed and
            # every access check: answered from the index alone, without visiting the table.
            models.Index(fields=["content_object", "group", "permission"], name="stakeholder_record_group"),
        ]


class PregnancyUserPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey("maternity.Pregnancy", on_delete=models.CASCADE)
    granted_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=20, choices=StakeholderReason.choices)
    detail = models.TextField(blank=True)

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False
