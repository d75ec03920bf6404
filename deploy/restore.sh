#!/usr/bin/env bash
# Restore a dump of deploy/backup.sh into an EMPTY database (docs/deploy.md, "Restore").
#
#   deploy/restore.sh /var/backups/sanshe/sanshe-20260301-023000.dump postgres://sanshe@127.0.0.1:5432/sanshe_restored
#
# The target database must exist and contain no tables (createdb -O sanshe sanshe_restored);
# the script refuses anything else rather than mix two databases. Everything is restored in one
# transaction: an error leaves the target empty. Objects belong to the user of the target URL
# (--no-owner), so connect as the application's database user.
set -euo pipefail

if [[ $# -ne 2 ]]; then
    echo "usage: $0 DUMP_FILE TARGET_DATABASE_URL" >&2
    exit 2
fi
dump="$1"
target="$2"

[[ -r "$dump" ]] || { echo "cannot read $dump" >&2; exit 1; }
pg_restore --list "$dump" >/dev/null

relations="$(psql --dbname="$target" --no-psqlrc --tuples-only --no-align --command="
    SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname NOT LIKE 'pg_toast%'")"
if [[ "$relations" != "0" ]]; then
    echo "the target database is not empty ($relations relations): refusing to restore" >&2
    exit 1
fi

pg_restore --dbname="$target" --no-owner --no-acl --exit-on-error --single-transaction "$dump"
# A dump carries no planner statistics: without them the planner misjudges every aggregation
# until autovacuum gets round to the tables (never, where it is switched off).
psql --dbname="$target" --no-psqlrc --quiet --command="ANALYZE"
echo "restored $dump"
