#!/usr/bin/env bash
# make bench: the app under gunicorn with production-like settings on PostgreSQL and Redis,
# loaded with wrk; prints requests/s, p50 and p99 per endpoint and the ratio to a baseline view.
set -euo pipefail
cd "$(dirname "$0")/.."

PRODUCTS="${BENCH_PRODUCTS:-10000}"
DURATION="${BENCH_DURATION:-10s}"
CONNECTIONS="${BENCH_CONNECTIONS:-32}"
PORT="${BENCH_PORT:-8100}"
WORKERS="${BENCH_WORKERS:-$(( $(nproc) * 2 ))}"

if ! command -v wrk >/dev/null; then
    echo "::: installing wrk (Debian package)"
    (apt-get update -qq && apt-get install -y -qq wrk) >/dev/null
fi

export DEBUG=0 BENCH_BASELINE=1 SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0
export SECURE_HSTS_SECONDS=0 ALLOWED_HOSTS=127.0.0.1 LOG_LEVEL=WARNING
export SECRET_KEY="bench-$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(48))')"
export DATABASE_URL="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/tessera_bench}"
export REDIS_URL="${BENCH_REDIS_URL:-redis://127.0.0.1:6379/1}"
export VAR_DIR="$PWD/var/bench"
mkdir -p "$VAR_DIR"

.venv/bin/python - <<'PY'
import os, psycopg
server, name = os.environ["DATABASE_URL"].rsplit("/", 1)
with psycopg.connect(server + "/postgres", autocommit=True) as db:
    if not db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        db.execute(f'CREATE DATABASE "{name}"')
PY
.venv/bin/python manage.py migrate -v0
.venv/bin/python manage.py collectstatic --no-input -v0
.venv/bin/python manage.py seed_bench --products "$PRODUCTS" | tail -1

read -r SLUG CODE < <(.venv/bin/python manage.py shell --no-imports -v0 -c "
from shop.models import ShortLink
link = ShortLink.objects.filter(product__slug__startswith='bench-').select_related('product').order_by('pk')[500]
print(link.product.slug, link.code)")

.venv/bin/gunicorn config.wsgi --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
    --access-logfile /dev/null --error-logfile "$VAR_DIR/gunicorn.log" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

BASE="http://127.0.0.1:$PORT"
ENDPOINTS=(
    "baseline|$BASE/bench/baseline/|"
    "home|$BASE/|"
    "catalog|$BASE/products/|"
    "catalog search|$BASE/products/?q=planner+kit|"
    "catalog partial|$BASE/products/?q=planner|HX-Request: true"
    "product page|$BASE/p/$SLUG/|"
    "short-link redirect|$BASE/s/$CODE|"
)
RESULTS="$VAR_DIR/results.tsv"
: > "$RESULTS"
for entry in "${ENDPOINTS[@]}"; do
    IFS='|' read -r name url header <<< "$entry"
    args=(-t 2 -c "$CONNECTIONS" -d "$DURATION" --latency)
    [ -n "$header" ] && args+=(-H "$header")
    curl -s -o /dev/null -w "%{http_code}" ${header:+-H "$header"} "$url" | grep -qE '^(200|302)$' \
        || { echo "$name: $url does not answer 200/302" >&2; exit 1; }
    wrk "${args[@]}" "$url" > "$VAR_DIR/wrk.out"
    .venv/bin/python bench/parse_wrk.py "$name" < "$VAR_DIR/wrk.out" >> "$RESULTS"
done
.venv/bin/python bench/report.py < "$RESULTS"
