"""FeedEntry: who may learn of which event. One row per event and stakeholder of its record.

The event feed and the webhooks show a caller the events of the records it is a stakeholder of. Asked of
RecordEvent directly, that check visits every grant of the caller's Care Location (thousands, at a
national scale) on each page. Kept here instead, a page is one index range read, whatever the size of
the location or the country: (group, position) for a Care Location, (user, position) for a user who broke
glass.

Only the database writes these rows (`maternity/database/feed_entries.py`): as an event commits, one for each
stakeholder its record has; as a grant is added, one for each event its record already has; as a grant is
removed, its rows go. Django never writes them, so no code path can forget to.
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy


class FeedEntry(models.Model):
    position = models.ForeignKey(
        "maternity.RecordEvent",
        to_field="position",
        db_column="position",
        on_delete=models.CASCADE,
        related_name="+",
        help_text=gettext_lazy("The event, by its commit position."),
    )
    resource_type = models.CharField(
        max_length=40, help_text=gettext_lazy("The event's, so a record filter needs no join.")
    )
    group = models.ForeignKey(Group, on_delete=models.CASCADE, null=True, related_name="+", db_index=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+", db_index=False
    )

    class Meta:
        verbose_name_plural = gettext_lazy("feed entries")
        constraints = [
            models.CheckConstraint(
                condition=Q(group__isnull=False, user__isnull=True)
                | Q(group__isnull=True, user__isnull=False),
                name="feed_entry_one_stakeholder",
            ),
            # A page of a location's feed: a range of this index, with the type to filter on in it too.
            models.UniqueConstraint(
                fields=["group", "position"],
                include=["resource_type"],
                condition=Q(group__isnull=False),
                name="feed_entry_group_position",
            ),
            models.UniqueConstraint(
                fields=["user", "position"],
                include=["resource_type"],
                condition=Q(user__isnull=False),
                name="feed_entry_user_position",
            ),
        ]

    def __str__(self) -> str:
        who = f"group {self.group_id}" if self.group_id else f"user {self.user_id}"
        return f"#{self.position_id} {self.resource_type} for {who}"
