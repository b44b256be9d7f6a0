from django.db import migrations


def keep_sent_notices(apps, schema_editor):
    """Every order notice already sent (or claimed) keeps its key in the outbox, so that none
    is recorded, and sent, again."""
    OrderNotice = apps.get_model("billing", "OrderNotice")
    Notice = apps.get_model("ops", "Notice")
    Notice.objects.bulk_create(
        [
            Notice(
                key=f"order-{notice.order_id}-{notice.kind}",
                message={},
                sent_at=notice.sent_at or notice.claimed_at,
                due_at=notice.sent_at or notice.claimed_at,
                created_at=notice.sent_at or notice.claimed_at,
                last_error="",
            )
            for notice in OrderNotice.objects.exclude(sent_at=None, claimed_at=None)
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0004_refunds_and_reconciliation"),
        ("ops", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(keep_sent_notices, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="ordernotice",
            name="billing_one_notice_per_kind",
        ),
        migrations.DeleteModel(
            name="OrderNotice",
        ),
    ]
