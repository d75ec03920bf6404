"""Indexes for the dashboard and the rankings at a city's scale (docs/performance.md)."""

from django.db import migrations, models
from django.db.models import Q


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0004_demonstration"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="progressreport",
            index=models.Index(fields=["project", "-created_at"], name="report_latest_idx"),
        ),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(
                fields=["community", "year", "status", "id"], name="project_scope_year_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(
                fields=["need", "status"],
                condition=Q(need__isnull=False),
                name="project_need_status_idx",
            ),
        ),
    ]
