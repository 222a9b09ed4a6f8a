"""A project baked before 2026.12.1 signed API clients in with django-rest-knox's tokens; allauth's
session tokens replaced them. Drop knox's table and its migration records, if there are any."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("users", "0001_initial")]

    operations = [
        migrations.RunSQL(
            [
                "DROP TABLE IF EXISTS knox_authtoken",
                "DELETE FROM django_migrations WHERE app = 'knox'",
            ],
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
