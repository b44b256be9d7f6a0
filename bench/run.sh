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

source bench/env.sh
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
.venv/bin/python manage.py seed_bench_sales --sales 5000 --pending "${BENCH_WEBHOOKS:-40000}" | tail -1
.venv/bin/python manage.py seed_bench_support --requests 200 --thread 20 | tail -1
# The database settled before anything is measured: without this, autovacuum and the
# checkpoint after the bulk seeding run during the first endpoints (the first baseline was
# regularly a fifth below the last).
.venv/bin/python -c "
import os, psycopg
with psycopg.connect(os.environ['DATABASE_URL'], autocommit=True) as db:
    db.execute('VACUUM ANALYZE')
    db.execute('CHECKPOINT')"

read -r SLUG CODE SESSION FILE SELLER_SESSION CSRF THREAD < <(.venv/bin/python manage.py shell --no-imports -v0 -c "
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from access.models import PurchasedProduct
from accounts.models import User
from shop.models import ProductFile, ShortLink
from support.models import SupportRequest
link = ShortLink.objects.filter(product__slug__startswith='bench-').select_related('product').order_by('pk')[500]
def signed_in(email):
    user = User.objects.get(email=email)
    session = SessionStore()
    session.update({SESSION_KEY: str(user.pk), HASH_SESSION_KEY: user.get_session_auth_hash(),
        BACKEND_SESSION_KEY: 'accounts.backends.CachedAllauthBackend'})
    session.create()
    return user, session.session_key
buyer, session = signed_in('bench-buyer@example.com')
_, seller_session = signed_in('bench-seller@example.com')
owned = PurchasedProduct.objects.filter(user=buyer).values('product')
file = ProductFile.objects.filter(version__product__in=owned).order_by('pk').first()
thread = SupportRequest.objects.filter(buyer=buyer).order_by('pk').first()
# A signed-in browser also keeps the CSRF cookie it was given with the sign-in form.
from django.utils.crypto import get_random_string
print(link.product.slug, link.code, session, file.pk, seller_session, get_random_string(32), thread.pk)")

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
BASELINE="$BASE/bench/baseline/"
ENDPOINTS=(
    "home|$BASE/|"
    "catalog|$BASE/products/|"
    "catalog search|$BASE/products/?q=planner+kit|"
    "catalog partial|$BASE/products/?q=planner|HX-Request: true"
    "product page|$BASE/p/$SLUG/|"
    "short-link redirect|$BASE/s/$CODE|"
    "library (1,000 owned)|$BASE/library/|Cookie: sessionid=$SESSION; csrftoken=$CSRF"
    "download redirect (S3)|$BASE/download/$FILE/|Cookie: sessionid=$SESSION; csrftoken=$CSRF"
    "sales page (5,000 sales)|$BASE/studio/sales/|Cookie: sessionid=$SELLER_SESSION; csrftoken=$CSRF"
    "inbox (201 requests)|$BASE/studio/inbox/|Cookie: sessionid=$SELLER_SESSION; csrftoken=$CSRF"
    "thread (20 messages)|$BASE/support/$THREAD/|Cookie: sessionid=$SESSION; csrftoken=$CSRF"
)
RESULTS="$VAR_DIR/results.tsv"
: > "$RESULTS"
measure() {  # name url [header]
    local name=$1 url=$2 header=${3:-}
    local args=(-t 2 -c "$CONNECTIONS" -d "$DURATION" --latency)
    [ -n "$header" ] && args+=(-H "$header")
    curl -s -o /dev/null -w "%{http_code}" ${header:+-H "$header"} "$url" | grep -qE '^(200|302)$' \
        || { echo "$name: $url does not answer 200/302" >&2; exit 1; }
    # Warmed first: every worker's connections, imports and caches, so that the order in which
    # endpoints run does not decide their figures.
    wrk -t 2 -c "$CONNECTIONS" -d 2s ${header:+-H "$header"} "$url" > /dev/null
    wrk "${args[@]}" "$url" > "$VAR_DIR/wrk.out"
    .venv/bin/python bench/parse_wrk.py "$name" < "$VAR_DIR/wrk.out" >> "$RESULTS"
}
# BENCH_ONLY="sales|webhook" runs the endpoints whose names match.
only() { [ -z "${BENCH_ONLY:-}" ] || [[ "$1" =~ $BENCH_ONLY ]]; }
# The baseline runs before every endpoint and once more at the end: each endpoint's ratio is
# to the mean of the two baselines around it, since this machine drifts by 10-20% within a run.
for entry in "${ENDPOINTS[@]}"; do
    IFS='|' read -r name url header <<< "$entry"
    only "$name" || continue
    measure baseline "$BASELINE"
    measure "$name" "$url" "$header"
done
measure baseline "$BASELINE"

# The webhook endpoint: new payment.succeeded events, each sent once (signed just now: the
# endpoint refuses timestamps more than five minutes old), each paying a pending order.
if only webhook; then
WEBHOOKS="$VAR_DIR/webhooks.tsv"
.venv/bin/python bench/webhook_requests.py "$WEBHOOKS.all" >/dev/null
# The first 2,000 warm the workers (their imports, connections); the rest are measured.
head -n 2000 "$WEBHOOKS.all" > "$WEBHOOKS.warm"
tail -n +2001 "$WEBHOOKS.all" > "$WEBHOOKS"
wrk -t 2 -c "$CONNECTIONS" -d 2s -s bench/webhook.lua "$BASE" -- "$WEBHOOKS.warm" 2 > /dev/null
BEFORE=$(.venv/bin/python manage.py shell --no-imports -v0 -c "
from billing.models import WebhookEvent; print(WebhookEvent.objects.count())")
wrk -t 2 -c "$CONNECTIONS" -d "$DURATION" --latency -s bench/webhook.lua "$BASE" -- "$WEBHOOKS" 2 \
    > "$VAR_DIR/wrk.out"
.venv/bin/python bench/parse_wrk.py "webhook (new events)" < "$VAR_DIR/wrk.out" >> "$RESULTS"
.venv/bin/python manage.py shell --no-imports -v0 -c "
from billing.models import Order, WebhookEvent
stored = WebhookEvent.objects.count() - $BEFORE
applied = WebhookEvent.objects.filter(webhook_id__startswith='msg_bench_', outcome='applied').count()
print(f'webhook: {stored} events stored by this run, {applied} applied so far (each pays an order)')"
if grep -q "ran out of webhooks" "$VAR_DIR/wrk.out"; then
    echo "webhook: ran out of webhooks; raise BENCH_WEBHOOKS" >&2
fi
fi
.venv/bin/python bench/report.py < "$RESULTS"
