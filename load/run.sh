#!/usr/bin/env bash
# The load test of issue 8 (docs/performance.md, "Load test (issue 8)"), in one invocation:
#
#   1. a PostgreSQL database with the city data set (created, migrated and seeded with
#      `seed_demo` when empty), the Redis cache, static files collected;
#   2. gunicorn with deploy/gunicorn.conf.py (sync workers, 2 × cores + 1) on production
#      settings (DEBUG off; no HTTPS redirect: clients reach gunicorn directly);
#   3. locust, headless, against it:
#        a. the ceiling: PingUser (GET ping/, no pause), USERS users for CEILING_TIME;
#        b. each public list/detail endpoint alone (BenchUser, no pause), USERS users for
#           BENCH_TIME — its throughput compares with the ceiling's;
#        c. the realistic mix of the four kinds of users (with their wait times), USERS users
#           for MIX_TIME, counted after MIX_WARM_UP seconds (their arrival);
#   4. load/report.py: the tables and the verdict against the targets.
#
# Results (locust CSVs and logs, gunicorn's logs, the machine, the load average seen) go to
# load/results/<timestamp>/; the summary is printed and saved as summary.md there.
#
#   load/run.sh                                   # defaults below
#   USERS=50 MIX_TIME=90s BENCH="needs-list need-detail" load/run.sh
#
# Needs PostgreSQL and Redis running (as for .ci/run). Every knob is an environment variable.
set -euo pipefail
cd "$(dirname "$0")/.."

DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/sanshe_load}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/14}
PORT=${PORT:-8765}
USERS=${USERS:-50}
SPAWN_RATE=${SPAWN_RATE:-25}
CEILING_TIME=${CEILING_TIME:-30s}
BENCH_TIME=${BENCH_TIME:-20s}
MIX_TIME=${MIX_TIME:-90s}  # (in seconds: "90s")
# The mix's first seconds (every user arriving and clicking at once) are not counted.
MIX_WARM_UP=${MIX_WARM_UP:-15}
WORKERS=${WORKERS:-$(($(nproc) * 2 + 1))}
# deploy/gunicorn.conf.py recycles a worker after ~1000 requests; at hundreds of requests per
# second that is a Django start-up every few seconds and would be measured instead of the API.
# 0 = no recycling while measuring (set MAX_REQUESTS=1000 to measure the deployed setting).
MAX_REQUESTS=${MAX_REQUESTS:-0}
BENCH=${BENCH:-needs-list need-detail offers-list offer-detail projects-list project-detail rankings demonstration-projects fairs-list fair-detail}
STATIC_ROOT=${STATIC_ROOT:-/tmp/sanshe_load_static}
OUT=${OUT:-load/results/$(date +%Y%m%d-%H%M%S)}
PY=.venv/bin/python
LOCUST=.venv/bin/locust

log() { printf '\n=== %s\n' "$*"; }
loadavg() { printf '%-28s %s\n' "$1" "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/loadavg.txt"; }

[ -x "$LOCUST" ] || { echo "locust is not installed: .venv/bin/pip install -e '.[load]'" >&2; exit 1; }
mkdir -p "$OUT"
export DATABASE_URL REDIS_URL STATIC_ROOT

pg_isready -h 127.0.0.1 -p 5432 -q || { echo "PostgreSQL is not running on 127.0.0.1:5432" >&2; exit 1; }
redis-cli -u "$REDIS_URL" ping >/dev/null || { echo "Redis is not reachable at $REDIS_URL" >&2; exit 1; }

# --- 1. the data set ---------------------------------------------------------------------------
DB_NAME=${DATABASE_URL##*/}
ADMIN_URL=${DATABASE_URL%/*}/postgres
if [ "$(psql "$ADMIN_URL" -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" != 1 ]; then
    log "creating database $DB_NAME"
    psql "$ADMIN_URL" -qc "CREATE DATABASE \"$DB_NAME\""
fi
log "migrating $DB_NAME"
$PY manage.py migrate --no-input -v0
if [ "$(psql "$DATABASE_URL" -tAc 'SELECT count(*) FROM communities_community')" = 0 ]; then
    log "seeding the city data set (seed_demo --scale city, about a minute)"
    $PY manage.py seed_demo --scale city
fi
# Planner statistics: a freshly seeded database has none until autovacuum analyzes it (and
# this machine's cluster runs with autovacuum off), so the plans would be guesses.
log "analyzing $DB_NAME"
psql "$DATABASE_URL" -qc 'VACUUM ANALYZE'

# Production settings, reachable over plain HTTP on the loopback.
export DJANGO_SETTINGS_MODULE=config.settings.production
export SECRET_KEY=${SECRET_KEY:-load-test-only-not-a-secret-0123456789abcdefghijklmnop}
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-127.0.0.1,localhost}
export SECURE_SSL_REDIRECT=false SECURE_HSTS_SECONDS=0 AXES_BEHIND_PROXY=false
export LOG_LEVEL=${LOG_LEVEL:-WARNING}
unset CELERY_BROKER_URL  # tasks run eagerly; no request of the load test starts one

log "collecting static files into $STATIC_ROOT"
# (COLLECTSTATIC=0 reuses an earlier run's files: compressing them takes minutes here.)
if [ "${COLLECTSTATIC:-1}" != 0 ] || [ ! -f "$STATIC_ROOT/staticfiles.json" ]; then
    $PY manage.py collectstatic --no-input -v0
fi
redis-cli -u "$REDIS_URL" flushdb >/dev/null  # start from a cold cache (own Redis db)

{
    echo "date:      $(date -Is)"
    echo "machine:   $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GB RAM"
    echo "stack:     gunicorn $($PY -c 'import gunicorn; print(gunicorn.__version__)'), $WORKERS sync workers, max_requests $MAX_REQUESTS; $(psql "$DATABASE_URL" -tAc 'SHOW server_version' | xargs | cut -d' ' -f1 | sed 's/^/PostgreSQL /'); Redis cache; $($LOCUST --version 2>/dev/null | head -1 | cut -d' ' -f1-2) on the same machine"
    echo "settings:  config.settings.production (DEBUG off), no HTTPS redirect"
    echo "users:     $USERS; ceiling $CEILING_TIME, each endpoint $BENCH_TIME, mix $MIX_TIME"
    printf 'data set:  '
    psql "$DATABASE_URL" -tA -F' ' -c "
        SELECT 'communities', count(*) FROM communities_community UNION ALL
        SELECT 'orgs', count(*) FROM orgs_socialorg UNION ALL
        SELECT 'needs', count(*) FROM communities_serviceneed UNION ALL
        SELECT 'offers', count(*) FROM orgs_serviceoffering UNION ALL
        SELECT 'projects', count(*) FROM projects_project UNION ALL
        SELECT 'resources', count(*) FROM projects_fundingresource" | paste -sd, | sed 's/,/, /g'
} >"$OUT/setup.txt"
cat "$OUT/setup.txt"

# --- 2. gunicorn -------------------------------------------------------------------------------
log "starting gunicorn on 127.0.0.1:$PORT ($WORKERS workers)"
GUNICORN_BIND=127.0.0.1:$PORT GUNICORN_WORKERS=$WORKERS GUNICORN_LOG_LEVEL=warning \
    .venv/bin/gunicorn --config deploy/gunicorn.conf.py --max-requests "$MAX_REQUESTS" \
    --access-logfile "$OUT/gunicorn-access.log" --error-logfile "$OUT/gunicorn.log" \
    config.wsgi &
GUNICORN_PID=$!
trap 'kill "$GUNICORN_PID" 2>/dev/null; wait "$GUNICORN_PID" 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
    curl -sf "http://127.0.0.1:$PORT/api/v1/ping/" >/dev/null && break
    kill -0 "$GUNICORN_PID" 2>/dev/null || { echo "gunicorn exited; see $OUT/gunicorn.log" >&2; exit 1; }
    sleep 1
done
# Warm every worker (imports, connections) before anything is measured.
for _ in $(seq 1 $((WORKERS * 20))); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/api/v1/needs/"; done

locust() {  # locust <name> <run time> <user classes…>
    local name=$1 time=$2
    shift 2
    loadavg "before $name"
    $LOCUST -f load/locustfile.py --headless -H "http://127.0.0.1:$PORT" -u "$USERS" \
        -r "$SPAWN_RATE" -t "$time" --reset-stats --only-summary --exit-code-on-error 0 \
        --csv "$OUT/$name" "$@" >"$OUT/$name.log" 2>&1
    loadavg "after $name"
}

# --- 3a. the ceiling ---------------------------------------------------------------------------
log "a. ceiling: ping/, $USERS users, no pause, $CEILING_TIME"
locust ceiling "$CEILING_TIME" PingUser

# --- 3b. each public endpoint at full speed --------------------------------------------------
for key in $BENCH; do
    log "b. $key: $USERS users, no pause, $BENCH_TIME"
    LOAD_BENCH=$key locust "bench-$key" "$BENCH_TIME" BenchUser
done

# --- 3c. the realistic mix ---------------------------------------------------------------------
log "c. mix: $USERS users of the four kinds with their wait times, $MIX_TIME after ${MIX_WARM_UP}s"
LOAD_WARM_UP=$MIX_WARM_UP locust mix "$(( ${MIX_TIME%s} + MIX_WARM_UP ))s" \
    PublicReader CommunityStaff OrgMember Official

# --- 4. the report -----------------------------------------------------------------------------
log "summary ($OUT)"
$PY load/report.py "$OUT" | tee "$OUT/summary.md"
