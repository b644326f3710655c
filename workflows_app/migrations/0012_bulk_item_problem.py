from django.db import migrations, models


class Migration(migrations.Migration):
    """What a done bulk item was asked to do and did not (things left unshared): the item and
    its job then read "Done, with problems", never "All done"."""

    dependencies = [
        ("workflows_app", "0011_bulk_unreachable_since"),
    ]

    operations = [
        migrations.AddField(
            model_name="bulkitem",
            name="problem",
            field=models.TextField(blank=True),
        ),
    ]
