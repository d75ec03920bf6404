"""`manage.py import_data <kind> <file> [--dry-run] [--user NAME]`: bulk import from the shell.

Prints the report (counts per sheet, or every problem by row and column) and exits with
status 1 when the file has problems, so scripts can stop on a bad file.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.errors import NotAllowed
from matchmaking.imports import EXTENSIONS, KINDS, import_file


class Command(BaseCommand):
    help = "Import regions, communities, orgs, workers, needs, offerings or resources (.xlsx/.csv)."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(KINDS))
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and report; store nothing."
        )
        parser.add_argument(
            "--user",
            help="Import as this user (username or phone): their jurisdiction applies and the "
            "history records them. Without it the import is unrestricted.",
        )

    def handle(self, *args, kind, file, dry_run, user, **options):
        if file.suffix.lower() not in EXTENSIONS:
            raise CommandError(f"{file}: only .xlsx and .csv files can be imported.")
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from exc
        actor = self._user(user) if user else None
        try:
            report = import_file(
                kind=kind, data=data, filename=file.name, actor=actor, dry_run=dry_run
            )
        except NotAllowed as exc:
            raise CommandError(exc.message) from exc
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(
            _("%(rows)s rows in %(seconds).2f s") % {"rows": report.rows, "seconds": report.seconds}
        )
        if not report.ok:
            raise CommandError(
                _("%(count)s problem(s); nothing was stored.") % {"count": len(report.errors)},
                returncode=1,
            )

    @staticmethod
    def _user(name: str):
        model = get_user_model()
        found = list(model.objects.filter(**{model.USERNAME_FIELD: name}))
        if not found and hasattr(model, "phone"):
            found = list(model.objects.filter(phone=name)[:2])
        if len(found) != 1:
            raise CommandError(f"no single user {name!r}")
        return found[0]
