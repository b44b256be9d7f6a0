# The bench's production-like environment (sourced by bench/run.sh; source it yourself to
# start the same server by hand: `source bench/env.sh && .venv/bin/gunicorn config.wsgi ...`).
export DEBUG=0 PAYMENT_PROVIDER=dev BENCH_BASELINE=1 SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0
export SECURE_HSTS_SECONDS=0 ALLOWED_HOSTS=127.0.0.1 LOG_LEVEL=WARNING
export SECRET_KEY="${BENCH_SECRET_KEY:-bench-$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(48))')}"
export DATABASE_URL="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/tessera_bench}"
export REDIS_URL="${BENCH_REDIS_URL:-redis://127.0.0.1:6379/1}"
export VAR_DIR="$PWD/var/bench"
mkdir -p "$VAR_DIR"
# Product files in S3 mode, against a local moto server: downloads answer with presigned URLs.
MOTO_PORT="${BENCH_MOTO_PORT:-8101}"
export S3_PRIVATE_BUCKET=tessera-bench-private S3_ENDPOINT_URL="http://127.0.0.1:$MOTO_PORT"
export S3_ACCESS_KEY_ID=bench S3_SECRET_ACCESS_KEY=bench S3_REGION=us-east-1
