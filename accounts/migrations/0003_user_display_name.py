import unicodedata

import django.db.models.functions.text
from django.db import migrations, models

MAX_LENGTH = 50


def _from_name(name):
    """The seller's own name as a display name ("" when unusable): one line, single spaces,
    never anything holding an address."""
    name = " ".join(unicodedata.normalize("NFKC", name).split())
    if "@" in name or any(unicodedata.category(char)[0] == "C" for char in name):
        return ""
    return name[:MAX_LENGTH].strip()


def name_existing_sellers(apps, schema_editor):
    # Every seller needs a public display name before the constraints below exist: their own
    # name when they have one no earlier seller has taken (in any case), else a neutral
    # "Seller <id>". Never the email address, which pages showed until now.
    User = apps.get_model("accounts", "User")
    taken = set()
    for seller in User.objects.filter(is_seller=True).order_by("seller_since", "pk"):
        candidates = [_from_name(seller.name), f"Seller {seller.pk}"]
        candidates += [f"Seller {seller.pk}-{n}" for n in range(2, 100)]
        chosen = next(c for c in candidates if c and c.lower() not in taken)
        taken.add(chosen.lower())
        User.objects.filter(pk=seller.pk).update(display_name=chosen)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_telegramlink'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='display_name',
            field=models.CharField(blank=True, default='', help_text="A seller's public name, on their products and in support threads; unique among sellers, ignoring case.", max_length=50, verbose_name='display name'),
        ),
        migrations.RunPython(name_existing_sellers, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='user',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Lower('display_name'), condition=models.Q(('is_seller', True)), name='accounts_user_display_name_ci_unique', violation_error_message='Another seller has this display name.'),
        ),
        migrations.AddConstraint(
            model_name='user',
            constraint=models.CheckConstraint(condition=models.Q(('is_seller', False), models.Q(('display_name', ''), _negated=True), _connector='OR'), name='accounts_user_seller_has_display_name', violation_error_message='A seller needs a display name.'),
        ),
    ]
