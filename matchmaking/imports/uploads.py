"""Uploaded files between the preview and the confirmation, keyed by a signed token.

The file itself waits in a private directory (not MEDIA_ROOT: it may hold phone numbers), next
to the report of its preview and, once imported, the report of the import. The token names
the file, the kind and the user, and is signed, so nobody can confirm or read another
person's upload; it expires after `IMPORT_TOKEN_MAX_AGE` seconds and stale files are swept on
the next upload. Set `IMPORT_UPLOAD_DIR` to shared storage when several hosts serve the site.
"""

import json
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core import signing

from .report import ImportReport

SALT = "matchmaking.imports.upload"


def max_age() -> int:
    return int(getattr(settings, "IMPORT_TOKEN_MAX_AGE", 2 * 60 * 60))


def max_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", 10 * 1024 * 1024))


def directory() -> Path:
    configured = getattr(settings, "IMPORT_UPLOAD_DIR", None)
    path = Path(configured) if configured else Path(tempfile.gettempdir()) / "sanshe-imports"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


@dataclass(frozen=True)
class Upload:
    id: str
    kind: str
    user_id: int
    filename: str

    @property
    def extension(self) -> str:
        return Path(self.filename).suffix.lower()

    def _path(self, suffix: str) -> Path:
        return directory() / f"{self.id}{suffix}"

    def data(self) -> bytes:
        return self._path(self.extension).read_bytes()

    def save_report(self, name: str, report: ImportReport) -> None:
        self._path(f".{name}.json").write_text(json.dumps(report.to_dict()), encoding="utf-8")

    def report(self, name: str) -> ImportReport | None:
        path = self._path(f".{name}.json")
        if not path.exists():
            return None
        return ImportReport.from_dict(json.loads(path.read_text(encoding="utf-8")))

    def discard_file(self) -> None:
        self._path(self.extension).unlink(missing_ok=True)

    @property
    def token(self) -> str:
        return signing.dumps(
            {"id": self.id, "kind": self.kind, "user": self.user_id, "name": self.filename},
            salt=SALT,
            compress=True,
        )


def store(*, data: bytes, filename: str, kind: str, user) -> Upload:
    sweep()
    upload = Upload(id=uuid.uuid4().hex, kind=kind, user_id=user.pk, filename=Path(filename).name)
    upload._path(upload.extension).write_bytes(data)
    return upload


def load(token: str, user) -> Upload | None:
    """The upload the token names, if it is valid, fresh and the user's own."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=max_age())
    except signing.BadSignature:
        return None
    if payload.get("user") != user.pk:
        return None
    return Upload(
        id=payload["id"], kind=payload["kind"], user_id=payload["user"], filename=payload["name"]
    )


def sweep() -> None:
    """Remove files older than a token can live."""
    cutoff = time.time() - max_age()
    for path in directory().glob("*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        except OSError:
            continue
