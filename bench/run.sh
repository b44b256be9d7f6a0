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

export DEBUG=0 PAYMENT_PROVIDER=dev BENCH_BASELINE=1 SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0
export SECURE_HSTS_SECONDS=0 ALLOWED_HOSTS=127.0.0.1 LOG_LEVEL=WARNING
export SECRET_KEY="bench-$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(48))')"
export DATABASE_URL="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/tessera_bench}"
export REDIS_URL="${BENCH_REDIS_URL:-redis://127.0.0.1:6379/1}"
export VAR_DIR="$PWD/var/bench"
mkdir -p "$VAR_DIR"
# Product files in S3 mode, against a local moto server: downloads answer with presigned URLs.
MOTO_PORT="${BENCH_MOTO_PORT:-8101}"
export S3_PRIVATE_BUCKET=tessera-bench-private S3_ENDPOINT_URL="http://127.0.0.1:$MOTO_PORT"
export S3_ACCESS_KEY_ID=bench S3_SECRET_ACCESS_KEY=bench S3_REGION=us-east-1
.venv/bin/moto_server -H 127.0.0.1 -p "$MOTO_PORT" > "$VAR_DIR/moto.log" 2>&1 &
MOTO=$!
trap 'kill $MOTO 2>/dev/null' EXIT
for _ in $(seq 50); do curl -s "$S3_ENDPOINT_URL" >/dev/null && break; sleep 0.2; done
.venv/bin/python -c "
import boto3, os
boto3.client('s3', endpoint_url=os.environ['S3_ENDPOINT_URL'], region_name='us-east-1',
    aws_access_key_id='bench', aws_secret_access_key='bench').create_bucket(Bucket=os.environ['S3_PRIVATE_BUCKET'])"

.venv/bin/python bench/createdb.py
.venv/bin/python manage.py migrate -v0
.venv/bin/python manage.py collectstatic --no-input -v0
.venv/bin/python manage.py seed_bench --products "$PRODUCTS" | tail -1

.venv/bin/python manage.py seed_bench_library --products 1000 | tail -1

read -r SLUG CODE SESSION FILE < <(.venv/bin/python manage.py shell --no-imports -v0 -c "
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from access.models import PurchasedProduct
from accounts.models import User
from shop.models import ProductFile, ShortLink
link = ShortLink.objects.filter(product__slug__startswith='bench-').select_related('product').order_by('pk')[500]
buyer = User.objects.get(email='bench-buyer@example.com')
session = SessionStore()
session.update({SESSION_KEY: str(buyer.pk), HASH_SESSION_KEY: buyer.get_session_auth_hash(),
    BACKEND_SESSION_KEY: 'django.contrib.auth.backends.ModelBackend'})
session.create()
owned = PurchasedProduct.objects.filter(user=buyer).values('product')
file = ProductFile.objects.filter(version__product__in=owned).order_by('pk').first()
print(link.product.slug, link.code, session.session_key, file.pk)")

# gunicorn serves production (README: "Why gunicorn"); BENCH_SERVER=granian compares, when
# granian is installed in the environment (it is not a dependency).
if [ "${BENCH_SERVER:-gunicorn}" = granian ]; then
    .venv/bin/granian --interface wsgi --host 127.0.0.1 --port "$PORT" --workers "$WORKERS" \
        --no-ws --log-level warning config.wsgi:application > "$VAR_DIR/granian.log" 2>&1 &
else
    .venv/bin/gunicorn config.wsgi --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
        --access-logfile /dev/null --error-logfile "$VAR_DIR/gunicorn.log" &
fi
SERVER=$!
trap 'kill $SERVER $MOTO 2>/dev/null; wait $SERVER 2>/dev/null' EXIT
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
    "library (1,000 owned)|$BASE/library/|Cookie: sessionid=$SESSION"
    "download redirect (S3)|$BASE/download/$FILE/|Cookie: sessionid=$SESSION"
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
