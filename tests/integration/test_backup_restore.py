"""The documented backup restores into an empty database with every row intact (docs/deploy.md).

Seeds the test database with the demo data (committed: `transaction=True`, so pg_dump sees
it), backs it up with `deploy/backup.sh`, restores the dump with `deploy/restore.sh` into a
freshly created empty database, and compares every table of the two: its row count and a
checksum of all its rows, plus every sequence's position. PostgreSQL only; runs in CI's
PostgreSQL suite (`make test` with DATABASE_URL), not under the `integration` marker.
"""

import io
import os
import shutil
import subprocess
import tarfile
import time
from importlib import import_module
from pathlib import Path

import psycopg
import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from psycopg import sql
from psycopg.conninfo import make_conninfo

from communities.models import ServiceCategory

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="pg_dump/pg_restore need DATABASE_URL on PostgreSQL",
    ),
    pytest.mark.skipif(
        not all(shutil.which(tool) for tool in ("pg_dump", "pg_restore", "psql")),
        reason="needs the PostgreSQL client programs (pg_dump, pg_restore, psql)",
    ),
]

ROOT = Path(__file__).resolve().parents[2]
BACKUP = ROOT / "deploy" / "backup.sh"
RESTORE = ROOT / "deploy" / "restore.sh"


def conninfo(dbname: str) -> str:
    db = connection.settings_dict
    parts = {"dbname": dbname, "user": db.get("USER"), "host": db.get("HOST")}
    parts["port"] = str(db["PORT"]) if db.get("PORT") else None
    return make_conninfo(**{key: value for key, value in parts.items() if value})


def script_env(**extra) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "MEDIA_ROOT", "BACKUP_DIR", "BACKUP_KEEP_DAYS"}
    }
    if connection.settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = connection.settings_dict["PASSWORD"]
    env.update({key: str(value) for key, value in extra.items()})
    return env


def run(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own scripts, fixed arguments
        [str(arg) for arg in args], env=env, capture_output=True, text=True, timeout=300
    )


def fingerprint(dbname: str) -> dict:
    """{table: (rows, md5 of all rows in order)} and {sequence: last value} of a database."""
    tables = {}
    with psycopg.connect(conninfo(dbname), autocommit=True) as conn:
        names = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        ).fetchall()
        for (name,) in names:
            query = sql.SQL(
                "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), ''))"
                " FROM public.{} AS t"
            ).format(sql.Identifier(name))
            tables[name] = conn.execute(query).fetchone()
        sequences = dict(
            conn.execute(
                "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
            ).fetchall()
        )
    return {"tables": tables, "sequences": sequences}


def admin(statement: sql.Composable) -> None:
    with psycopg.connect(conninfo("postgres"), autocommit=True) as conn:
        conn.execute(statement)


@pytest.fixture
def empty_database():
    """A freshly created database, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restored"[:63]
    admin(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
    admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield name
    admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def seed() -> None:
    # A transactional test before this one may have flushed the taxonomy that the data
    # migration loads; put it back the way the migration does.
    if not ServiceCategory.objects.exists():
        import_module("communities.migrations.0002_taxonomy").forwards(apps, None)
    call_command("seed_demo", scale="small", stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_backup_restores_into_an_empty_database_with_every_row(tmp_path, empty_database):
    seed()
    media = tmp_path / "media"
    (media / "reports" / "2026").mkdir(parents=True)
    (media / "reports" / "2026" / "handbook.pdf").write_bytes(b"%PDF-1.7 demo")
    backups = tmp_path / "backups"
    source = connection.settings_dict["NAME"]

    done = run(
        BACKUP, env=script_env(DATABASE_URL=conninfo(source), BACKUP_DIR=backups, MEDIA_ROOT=media)
    )
    assert done.returncode == 0, done.stderr
    dump = Path(done.stdout.strip().splitlines()[-1])
    assert dump.parent == backups and dump.name.startswith("sanshe-") and dump.suffix == ".dump"
    assert not list(backups.glob("*.partial"))
    (archive,) = backups.glob("sanshe-media-*.tar.gz")
    with tarfile.open(archive) as tar:
        assert "./reports/2026/handbook.pdf" in tar.getnames()

    restored = run(RESTORE, dump, conninfo(empty_database), env=script_env())
    assert restored.returncode == 0, restored.stderr

    before, after = fingerprint(source), fingerprint(empty_database)
    assert after["tables"].keys() == before["tables"].keys()
    assert {t: rows for t, (rows, _) in after["tables"].items()} == {
        t: rows for t, (rows, _) in before["tables"].items()
    }
    assert after == before
    # The seed really is in it: the comparison is not of two empty databases.
    rows = {table: count for table, (count, _) in before["tables"].items()}
    assert rows["communities_region"] > 100 and rows["projects_project"] > 0
    assert rows["accounts_user"] > 0 and rows["django_migrations"] > 0

    # A second restore into the now non-empty database is refused, and changes nothing.
    again = run(RESTORE, dump, conninfo(empty_database), env=script_env())
    assert again.returncode != 0 and "not empty" in again.stderr
    assert fingerprint(empty_database) == before


@pytest.mark.django_db
def test_backup_rotation_deletes_only_old_backups(tmp_path):
    """Files past BACKUP_KEEP_DAYS go; recent dumps and unrelated files stay."""
    backups = tmp_path / "backups"
    backups.mkdir()
    old, recent, other = (
        backups / "sanshe-20000101-000000.dump",
        backups / "sanshe-20990101-000000.dump",
        backups / "notes-20000101.dump",
    )
    for path in (old, recent, other):
        path.write_bytes(b"x")
    month_ago = time.time() - 30 * 24 * 3600
    os.utime(old, (month_ago, month_ago))
    os.utime(other, (month_ago, month_ago))

    done = run(
        BACKUP,
        env=script_env(
            DATABASE_URL=conninfo(connection.settings_dict["NAME"]),
            BACKUP_DIR=backups,
            BACKUP_KEEP_DAYS=14,
        ),
    )
    assert done.returncode == 0, done.stderr
    assert not old.exists() and recent.exists() and other.exists()
    assert len(list(backups.glob("sanshe-*.dump"))) == 2  # the recent one and the new one
