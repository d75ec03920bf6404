#!/usr/bin/env bash
# Back up the platform's PostgreSQL database (and MEDIA_ROOT) with a date stamp; keep
# BACKUP_KEEP_DAYS days of them. Run daily by deploy/systemd/sanshe-backup.timer (docs/deploy.md).
#
#   DATABASE_URL      the application's database, as a libpq URI (postgres://user:pw@host:5432/db)
#   BACKUP_DIR        where the dumps go (default /var/backups/sanshe)
#   BACKUP_KEEP_DAYS  dumps older than this many days are deleted (default 14)
#   MEDIA_ROOT        when set and present, the generated reports are archived beside the dump
#
# Prints the path of the new dump on its last line of output. Restore with deploy/restore.sh.
set -euo pipefail

: "${DATABASE_URL:?Set DATABASE_URL to the database to back up}"
BACKUP_DIR="${BACKUP_DIR:-/var/backups/sanshe}"
BACKUP_KEEP_DAYS="${BACKUP_KEEP_DAYS:-14}"

umask 077
mkdir -p "$BACKUP_DIR"
stamp="$(date +%Y%m%d-%H%M%S)"
dump="$BACKUP_DIR/sanshe-$stamp.dump"
partial="$dump.partial"
trap 'rm -f "$partial"' EXIT

# Custom format: compressed, restorable table by table and in parallel with pg_restore.
pg_dump --format=custom --compress=6 --file="$partial" --dbname="$DATABASE_URL"
# A dump that pg_restore cannot read is no backup: check its table of contents first.
pg_restore --list "$partial" >/dev/null
mv "$partial" "$dump"

if [[ -n "${MEDIA_ROOT:-}" && -d "$MEDIA_ROOT" ]]; then
    tar --create --gzip --file="$BACKUP_DIR/sanshe-media-$stamp.tar.gz" --directory="$MEDIA_ROOT" .
fi

# Rotation: only files this script wrote, only past the retention period.
find "$BACKUP_DIR" -maxdepth 1 -type f \
    \( -name 'sanshe-*.dump' -o -name 'sanshe-media-*.tar.gz' \) \
    -mtime "+$BACKUP_KEEP_DAYS" -delete

echo "$dump"
