from django.db import migrations, models


class Migration(migrations.Migration):
    """A bulk job may wait for its person's running job to end (one running per person)."""

    dependencies = [
        ("workflows_app", "0009_audit_object_name"),
    ]

    operations = [
        migrations.AlterField(
            model_name="bulkjob",
            name="state",
            field=models.CharField(
                choices=[
                    ("waiting", "Waiting"),
                    ("running", "Running"),
                    ("finished", "Finished"),
                    ("cancelled", "Cancelled"),
                ],
                default="running",
                max_length=20,
            ),
        ),
    ]
