from django.db import migrations, models


class Migration(migrations.Migration):
    """Since when a bulk job's platform has not answered: an outage does not count towards
    giving up on an item."""

    dependencies = [
        ("workflows_app", "0010_bulk_job_waiting"),
    ]

    operations = [
        migrations.AddField(
            model_name="bulkjob",
            name="unreachable_since",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
