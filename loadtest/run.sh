#!/usr/bin/env bash
# The bounded load test (`make loadtest`): 20 people for LOADTEST_SECONDS (default 120) against
# gunicorn and a throwaway PostgreSQL database holding the demo authority, all on loopback.
# Afterwards every record the people saved is checked in the database, the figures are printed,
# and (for a full-length run that passes) written into docs/operations.md.
#
#   LOADTEST_SERVER   the PostgreSQL server to create the throwaway database on
#                     (default postgresql://postgres@127.0.0.1:5432)
#   LOADTEST_SECONDS  how long the people work (default 120)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
SERVER=${LOADTEST_SERVER:-postgresql://postgres@127.0.0.1:5432}
SECONDS_TO_RUN=${LOADTEST_SECONDS:-120}
case "$SERVER" in
  postgresql://*@127.0.0.1*|postgresql://*@localhost*|postgresql://127.0.0.1*|postgresql://localhost*) ;;
  *) echo "loadtest: LOADTEST_SERVER must be on loopback" >&2; exit 2 ;;
esac

WORK=$(mktemp -d)
DB="safeguard_load_$(date +%s)_$$"
GUNICORN_PID=""
cleanup() {
  if [ -n "$GUNICORN_PID" ]; then kill "$GUNICORN_PID" 2>/dev/null || true; wait "$GUNICORN_PID" 2>/dev/null || true; fi
  "$BIN/python" - "$SERVER" "$DB" <<'PY' || true
import sys, psycopg
with psycopg.connect(sys.argv[1] + "/postgres", autocommit=True) as db:
    db.execute(f'DROP DATABASE IF EXISTS "{sys.argv[2]}" WITH (FORCE)')
PY
  rm -rf "$WORK"
}
trap cleanup EXIT

"$BIN/python" - "$SERVER" "$DB" <<'PY'
import sys, psycopg
with psycopg.connect(sys.argv[1] + "/postgres", autocommit=True, connect_timeout=5) as db:
    db.execute(f'CREATE DATABASE "{sys.argv[2]}"')
PY
export DATABASE_URL="$SERVER/$DB"
export SAFEGUARD_DATA_DIR="$WORK/data"
export DJANGO_SETTINGS_MODULE=safeguard.config.settings.local
export SAFEGUARD_EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend

echo "loadtest: loading the demo authority into $DB"
"$BIN/safeguard" demo >/dev/null
"$BIN/python" loadtest/accounts.py "$WORK/accounts.json"

PORT=$("$BIN/python" -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
"$BIN/gunicorn" safeguard.config.wsgi:application --bind "127.0.0.1:$PORT" --workers 2 \
  --threads 4 --keep-alive 10 --log-level warning >"$WORK/gunicorn.log" 2>&1 &
# keep-alive longer than the people's longest pause (3 s): otherwise gunicorn may close an idle
# connection just as the client reuses it (a reset that nginx, in production, never passes on)
GUNICORN_PID=$!
for _ in $(seq 1 60); do
  if "$BIN/python" -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$PORT/healthz', timeout=2)" 2>/dev/null; then break; fi
  sleep 0.5
done

echo "loadtest: 20 people for ${SECONDS_TO_RUN} s against http://127.0.0.1:$PORT"
LOADTEST_ACCOUNTS="$WORK/accounts.json" LOADTEST_WRITES="$WORK/writes.jsonl" LOADTEST_TIMINGS="$WORK/timings.json" \
  "$BIN/locust" -f loadtest/locustfile.py --headless --users 20 --spawn-rate 2 \
  --run-time "${SECONDS_TO_RUN}s" --host "http://127.0.0.1:$PORT" --csv "$WORK/stats" \
  --only-summary --loglevel WARNING --exit-code-on-error 0 2>&1 | tail -n 40 || true
kill "$GUNICORN_PID"; wait "$GUNICORN_PID" 2>/dev/null || true; GUNICORN_PID=""
if [ -s "$WORK/gunicorn.log" ]; then
  echo "loadtest: the server logged:" >&2; head -60 "$WORK/gunicorn.log" >&2
fi

RECORD=()
if [ "$SECONDS_TO_RUN" -ge 120 ]; then RECORD=(--record docs/operations.md); fi
"$BIN/python" loadtest/verify.py "$WORK/writes.jsonl" "$WORK/timings.json" "$SECONDS_TO_RUN" "${RECORD[@]}"
