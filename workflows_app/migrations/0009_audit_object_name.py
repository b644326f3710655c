from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workflows_app", "0008_bulk_archive"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="object_name",
            field=models.CharField(blank=True, max_length=500),
        ),
    ]
