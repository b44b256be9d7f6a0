#!/usr/bin/env bash
# The catalog's first page and a search, uncached, at 1,000 and at 100,000 products (each in its
# own PostgreSQL database); prints the medians and the slowdown (target: at most 1.3x).
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBUG=0 PAYMENT_PROVIDER=dev SECRET_KEY="scaling-$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(48))')"
export ALLOWED_HOSTS=testserver SECURE_SSL_REDIRECT=0 LOG_LEVEL=ERROR VAR_DIR="$PWD/var/bench"
unset REDIS_URL
SERVER="${BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}"
mkdir -p "$VAR_DIR"
.venv/bin/python manage.py collectstatic --no-input -v0
RESULTS="$VAR_DIR/scaling.tsv"
: > "$RESULTS"
for size in 1000 100000; do
    export DATABASE_URL="$SERVER/tessera_bench_$size"
    .venv/bin/python bench/createdb.py
    .venv/bin/python manage.py migrate -v0
    .venv/bin/python manage.py seed_bench --products "$size" --batch 5000 | tail -1
    PYTHONPATH=. .venv/bin/python bench/scaling.py >> "$RESULTS"
done
.venv/bin/python - "$RESULTS" <<'PY'
import sys
rows = [line.split("\t") for line in open(sys.argv[1]) if line.strip()]
by = {(int(size), name): float(median) for size, name, median, _ in rows}
print(f"{'endpoint':<10}{'1k p50 ms':>11}{'100k p50 ms':>13}{'slowdown':>10}  target 1.3x")
for name in ("catalog", "search"):
    small, large = by[(1000, name)], by[(100000, name)]
    slowdown = large / small
    print(f"{name:<10}{small:>11.2f}{large:>13.2f}{slowdown:>9.2f}x  {'met' if slowdown <= 1.3 else 'missed'}")
PY
