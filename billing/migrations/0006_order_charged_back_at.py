from django.db import migrations, models


def stamp_past_chargebacks(apps, schema_editor):
    # Orders charged back before the field existed were last changed by their chargeback.
    Order = apps.get_model("billing", "Order")
    Order.objects.filter(status="charged_back").update(charged_back_at=models.F("updated_at"))


class Migration(migrations.Migration):

    dependencies = [
        ('billing', '0005_order_notices_in_the_outbox'),
    ]

    operations = [
        migrations.AddField(
            model_name='order',
            name='charged_back_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(stamp_past_chargebacks, migrations.RunPython.noop),
    ]
