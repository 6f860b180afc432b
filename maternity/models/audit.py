"""AccessLog: the audit trail. One append-only row per read, write, find, break glass, status change or
refused attempt, from the API and from every page.

Who is kept twice: as references (for filtering) and as text snapshots (so the entry still says who when a
user, location or record is gone). The references have no database constraint and are never cascaded:
deleting a whole record leaves its audit entries, including the entry for the deletion itself.
Rows cannot be changed or deleted: the model and its queryset refuse, and on PostgreSQL a trigger does.

On PostgreSQL the table is partitioned by month of `at` (migration 0006; upkeep in
`maternity/database/audit_partitions.py` and `manage.py audit_partitions`; docs/data-growth.md). There the
database's
primary key is (id, at), as PostgreSQL requires the partition key in it; `id`, kept unique by its sequence,
is the primary key Django knows.

Each entry is a link of a hash chain, a few chains side by side per UTC month of `at` (its partition):
`chain`, `seq`, `prev_hash` and `entry_hash` are set by the database as the row is inserted, and
`AuditChainHead` holds each chain's last link. `manage.py verify_audit` walks them
(maternity/audit/chain.py, docs/security.md).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy


class AccessAction(models.TextChoices):
    READ = "READ", gettext_lazy("Read the record")
    HISTORY = "HISTORY", gettext_lazy("Read the record's history")
    WRITE = "WRITE", gettext_lazy("Changed the record")
    CREATE = "CREATE", gettext_lazy("Created a record")
    STATUS_CHANGE = "STATUS_CHANGE", gettext_lazy("Changed the record's status")
    PULL_CARE = "PULL_CARE", gettext_lazy("Pulled active care")
    FIND = "FIND", gettext_lazy("Found the record by its keys")
    BREAK_GLASS = "BREAK_GLASS", gettext_lazy("Broke glass to find the record")
    OPEN_RESTRICTED = "OPEN_RESTRICTED", gettext_lazy("Opened a restricted entry")
    FIND_ALL = "FIND_ALL", gettext_lazy("Listed the person's pregnancies")
    PATIENT_LOOKUP = "PATIENT_LOOKUP", gettext_lazy("Looked up a person's records")
    LIST = "LIST", gettext_lazy("Listed records")
    DELETE = "DELETE", gettext_lazy("Deleted the whole record")
    AUDIT_READ = "AUDIT_READ", gettext_lazy("Read the audit trail")
    EVENTS = "EVENTS", gettext_lazy("Read the event feed")
    SUBSCRIPTION = "SUBSCRIPTION", gettext_lazy("Managed a webhook subscription")
    # The data set's change site (dataset/): no record, no person; the entry's detail names the proposal.
    PROPOSAL_READ = "PROPOSAL_READ", gettext_lazy("Read data-set change proposals")
    PROPOSAL_WRITE = "PROPOSAL_WRITE", gettext_lazy("Acted on a data-set change proposal")
    DATA_SET_RELEASE = "DATA_SET_RELEASE", gettext_lazy("Released a data-set version")


# Finding a record or a person by keys: what the review queue counts per person and day.
FIND_ACTIONS = [
    AccessAction.FIND,
    AccessAction.BREAK_GLASS,
    AccessAction.FIND_ALL,
    AccessAction.PATIENT_LOOKUP,
]


class BreakGlassReason(models.TextChoices):
    """Why a professional who is not in her care team opens her record by its keys (break glass): Normen's
    self-authorised access ("selvautorisasjon") asks for a coded reason beside the free text, so that the
    accesses can be followed up by reason. docs/spine.md lists them with the API's shape."""

    EMERGENCY = "EMERGENCY", gettext_lazy("Emergency care or acute admission")
    LABOUR = "LABOUR", gettext_lazy("In labour or giving birth at this location")
    TRANSFER = "TRANSFER", gettext_lazy("Care transferred or referral received")
    PATIENT_REQUEST = "PATIENT_REQUEST", gettext_lazy("At her request or with her consent")
    OTHER = "OTHER", gettext_lazy("Other reason (explained in the text)")


class AccessOutcome(models.TextChoices):
    ALLOWED = "ALLOWED", gettext_lazy("Allowed")
    DENIED = "DENIED", gettext_lazy("Denied")  # 401, 403, 404: who was asking may not do this
    REJECTED = "REJECTED", gettext_lazy("Rejected")  # 400, 409, 413...: the request itself was wrong or stale


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Audit entries cannot be changed.")

    def delete(self):
        raise PermissionError("Audit entries cannot be deleted.")


class AccessLog(models.Model):
    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=20, choices=AccessAction.choices)
    outcome = models.CharField(max_length=10, choices=AccessOutcome.choices)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)

    record = models.ForeignKey(
        "maternity.Pregnancy",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        related_name="access_log",
    )
    person = models.ForeignKey(
        "maternity.Person",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        related_name="access_log",
        help_text=gettext_lazy("Whose record: kept also when no single record was involved (find, lookup)."),
    )
    resource_type = models.CharField(max_length=40, blank=True)

    user_type = models.CharField(
        max_length=30, blank=True, help_text=gettext_lazy("Empty for an anonymous caller.")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField(max_length=150, blank=True)
    care_location = models.ForeignKey(
        "maternity.CareLocation",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        related_name="access_log",
    )
    org_nr = models.CharField(max_length=40, blank=True)
    org_name = models.CharField(max_length=200, blank=True)
    client_id = models.CharField(
        max_length=100, blank=True, help_text=gettext_lazy("The client system's OAuth id.")
    )
    acting_user_name = models.CharField(
        max_length=200,
        blank=True,
        help_text=gettext_lazy(
            "The person behind the request: a client system's acting user, or whoever is signed in."
        ),
    )
    acting_user_id = models.CharField(max_length=40, blank=True)
    source_system = models.CharField(max_length=512, blank=True)

    reason_code = models.CharField(
        max_length=40,
        blank=True,
        choices=BreakGlassReason.choices,
        help_text=gettext_lazy(
            "The break-glass reason code the caller gave (as sent, also when it was refused)."
        ),
    )
    reason = models.TextField(blank=True, help_text=gettext_lazy("The break-glass reason the caller gave."))
    detail = models.TextField(blank=True, help_text=gettext_lazy("What happened, or why it was refused."))
    request_id = models.CharField(max_length=64, blank=True)
    client_event_id = models.CharField(max_length=128, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    # The hash chain (maternity/audit/chain.py). Set by the database's insert trigger, never by Python;
    # nullable because an entry written past the trigger is still kept, and verify_audit reports it.
    chain = models.CharField(gettext_lazy("hash chain"), max_length=10, null=True, blank=True, editable=False)
    seq = models.BigIntegerField(gettext_lazy("place in the chain"), null=True, blank=True, editable=False)
    prev_hash = models.CharField(
        gettext_lazy("previous entry's hash"), max_length=64, null=True, blank=True, editable=False
    )
    entry_hash = models.CharField(
        gettext_lazy("entry's hash"), max_length=64, null=True, blank=True, editable=False
    )

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        # Every listing is newest first with `id` as the tiebreaker, so each index ends with at, id: a page
        # is read straight off the index (backwards) of every monthly partition and merged, with no sort.
        # Ascending, because an index on an ever-growing time fills its pages only that way (a descending
        # one splits them half-empty: 1.8 times the size). The references these lead with get no index of
        # their own (db_index=False). docs/data-growth.md
        indexes = [
            models.Index(fields=["record", "at", "id"], name="accesslog_record_at"),
            models.Index(fields=["person", "at", "id"], name="accesslog_person_at"),
            models.Index(fields=["care_location", "at", "id"], name="accesslog_location_at"),
            models.Index(fields=["at", "id"], name="accesslog_at"),
            # Finds and look-ups by keys only, for the review queue's unusual-access finding
            # (maternity/services/reviews.py): a day's finds are read without the day's other entries, and
            # the index costs nothing on the far more frequent reads and writes.
            models.Index(
                fields=["at", "id"],
                name="accesslog_finds_at",
                condition=models.Q(action__in=FIND_ACTIONS),
            ),
            # verify_audit walks each chain in order; the second finds entries that escaped the chain
            models.Index(fields=["chain", "seq", "id"], name="accesslog_chain_seq"),
            models.Index(fields=["at"], name="accesslog_unchained", condition=models.Q(chain__isnull=True)),
        ]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.outcome}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit entries cannot be deleted.")


class AuditChainHead(models.Model):
    """The last link of one audit chain ("YYYY-MM/n", maternity/audit/chain.py): how many entries it has
    and the last one's hash. The insert trigger locks this row from an append to its commit, so the writers
    of one chain take their turns and `seq` has no gaps; verify_audit compares it with the chain's last entry
    (a deleted tail)."""

    chain = models.CharField(gettext_lazy("hash chain"), max_length=10, primary_key=True)
    seq = models.BigIntegerField(gettext_lazy("entries"))
    hash = models.CharField(gettext_lazy("last entry's hash"), max_length=64)

    class Meta:
        verbose_name = gettext_lazy("audit chain head")
        verbose_name_plural = gettext_lazy("audit chain heads")
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.chain} #{self.seq}"
