"""The audit trail becomes hash chains, a few per month (maternity/audit/chain.py, docs/security.md): four columns
on every entry, a head row per chain, the insert trigger that links each new entry, and the entries that
exist already linked in order of (at, id). On PostgreSQL the columns and indexes are added to the
partitioned table, which adds them to every partition; the catch-up updates each old entry once, with the
append-only trigger off for this transaction only (about a minute per million entries)."""

from django.db import migrations, models

from maternity.database import audit_chain


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(audit_chain.POSTGRES_INSTALL, params=None)
    else:
        for statement in audit_chain.SQLITE_INSTALL:
            schema_editor.execute(statement, params=None)
    audit_chain.link_unchained(using=schema_editor.connection.alias)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(audit_chain.POSTGRES_UNINSTALL, params=None)
    else:
        for statement in audit_chain.SQLITE_UNINSTALL:
            schema_editor.execute(statement, params=None)


def _text(length, name):
    return models.CharField(blank=True, editable=False, max_length=length, null=True, verbose_name=name)


def _link(name, field):
    return migrations.AddField(model_name="accesslog", name=name, field=field)


class Migration(migrations.Migration):
    dependencies = [
        ("maternity", "0024_restricted_entries"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                (
                    "chain",
                    models.CharField(
                        max_length=10, primary_key=True, serialize=False, verbose_name="hash chain"
                    ),
                ),
                ("seq", models.BigIntegerField(verbose_name="entries")),
                ("hash", models.CharField(max_length=64, verbose_name="last entry's hash")),
            ],
            options={
                "verbose_name": "audit chain head",
                "verbose_name_plural": "audit chain heads",
                "default_permissions": ("view",),
            },
        ),
        _link("chain", _text(10, "hash chain")),
        _link(
            "seq",
            models.BigIntegerField(blank=True, editable=False, null=True, verbose_name="place in the chain"),
        ),
        _link("prev_hash", _text(64, "previous entry's hash")),
        _link("entry_hash", _text(64, "entry's hash")),
        migrations.AddIndex(
            model_name="accesslog",
            index=models.Index(fields=["chain", "seq", "id"], name="accesslog_chain_seq"),
        ),
        migrations.AddIndex(
            model_name="accesslog",
            index=models.Index(
                condition=models.Q(("chain__isnull", True)), fields=["at"], name="accesslog_unchained"
            ),
        ),
        migrations.RunPython(install, uninstall, elidable=False),
    ]
