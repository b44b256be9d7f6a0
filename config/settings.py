"""Tessera's settings: one file, read from the environment.

With no variables at all this runs the embedded default (SQLite, local-memory cache, Huey in
immediate mode, console email, local files, the dev payment provider). Production switches on by
setting variables; `.env.example` lists every one of them.
"""

from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from config.env import env_bool, env_choice, env_crontab, env_int, env_list, env_str
from ops.redis import fail_fast_pool

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR") or BASE_DIR / "var")

DEBUG = env_bool("DEBUG", default=True)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-local-development-only-never-use-this-key-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_NAME = env_str("SITE_NAME", "Tessera")
# The shop's public address, for links in emails (never the host a request came in on: a
# proxy's, or 127.0.0.1). Default: http://localhost:8000 with DEBUG on (`make run` passes its
# own), https:// and the first of ALLOWED_HOSTS with it off.
SITE_URL = env_str("SITE_URL")
if not SITE_URL and DEBUG:
    SITE_URL = "http://localhost:8000"
elif not SITE_URL and ALLOWED_HOSTS and ALLOWED_HOSTS[0].lstrip(".") not in ("", "*"):
    SITE_URL = f"https://{ALLOWED_HOSTS[0].lstrip('.')}"
_site = urlsplit(SITE_URL)
if _site.scheme not in ("http", "https") or not _site.netloc or _site.path not in ("", "/"):
    raise ImproperlyConfigured(
        f"SITE_URL must be the shop's address, like https://shop.example.com; got {SITE_URL!r}"
    )
SITE_URL = f"{_site.scheme}://{_site.netloc}"
# Serves /bench/baseline/, the yardstick `make bench` compares every page with.
BENCH_BASELINE = env_bool("BENCH_BASELINE", default=False)

INSTALLED_APPS = [
    # django.contrib.admin, with one "Accounts" section (accounts.admin_site).
    "accounts.admin_site.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.forms",
    "django_htmx",
    "huey.contrib.djhuey",
    "allauth",
    "allauth.account",
    # Always installed, so that the tables and migrations do not depend on the environment;
    # Google sign-in itself is on only with GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET.
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "ops",
    "accounts",
    "shop",
    "access",
    "billing",
    "support",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "ops.middleware.UnstorableTextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "ops.middleware.PrivatePagesMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After the user and htmx are known: staff pass, htmx requests are told to reload.
    "ops.middleware.MaintenanceMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

FORM_RENDERER = "ops.forms.FormRenderer"
ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ops.context_processors.site",
                "ops.context_processors.maintenance",
                "accounts.context_processors.places",
            ],
        },
    },
]

# Database: SQLite file by default, PostgreSQL (psycopg 3) through DATABASE_URL.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    try:
        _database = dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from None
    if _database["ENGINE"] == "django.db.backends.postgresql":
        # Django's backend, with a health check that polls the socket before asking a query.
        _database["ENGINE"] = "ops.postgresql"
        _database.setdefault("TEST", {})["NAME"] = f"test_{_database['NAME']}"
        # A database that does not answer fails the request in seconds instead of holding a
        # worker until gunicorn kills it: connecting gives up after DATABASE_CONNECT_TIMEOUT,
        # a statement after DATABASE_STATEMENT_TIMEOUT_MS (lock waits included), and a
        # connection whose server stops acknowledging what is sent after as long.
        _statement_timeout = env_int("DATABASE_STATEMENT_TIMEOUT_MS", 15_000)
        _database.setdefault("OPTIONS", {}).update(
            connect_timeout=env_int("DATABASE_CONNECT_TIMEOUT", 2),
            options=f"-c statement_timeout={_statement_timeout}",
            tcp_user_timeout=_statement_timeout,
        )
        if env_bool("DATABASE_PREPARED_STATEMENTS", default=True):
            # A query run five times on a connection is prepared: PostgreSQL plans it once.
            # Planning was most of a short query's time (the download's lookup: 0.6 of
            # 0.8 ms). Off behind a pooler in transaction mode that does not keep prepared
            # statements (PgBouncer without max_prepared_statements).
            _database.setdefault("OPTIONS", {}).update(
                server_side_binding=True, prepare_threshold=5
            )
else:
    _database = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / "db.sqlite3",
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"},
    }
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Maintenance mode (ops.maintenance): seconds each app server may go on using its cached copy
# of the switch; a switch deletes the copy, so this bounds only a copy that outlived it.
MAINTENANCE_CACHE_SECONDS = env_int("MAINTENANCE_CACHE_SECONDS", 10)
if MAINTENANCE_CACHE_SECONDS <= 0:
    raise ImproperlyConfigured("MAINTENANCE_CACHE_SECONDS must be a positive number of seconds.")

# Cache and task queue: in-process by default, both on Redis through REDIS_URL. A Redis that
# refuses or hangs costs a call at most REDIS_TIMEOUT_MS, and then nothing for a few seconds
# (ops.redis); the cache fails soft (ops.redis_cache).
REDIS_URL = env_str("REDIS_URL")
REDIS_TIMEOUT = env_int("REDIS_TIMEOUT_MS", 250) / 1000
if REDIS_TIMEOUT <= 0:
    raise ImproperlyConfigured("REDIS_TIMEOUT_MS must be a positive number of milliseconds.")
# Seconds a task worker waits on the queue (BRPOP) before asking again.
HUEY_READ_TIMEOUT = 1
# Without Redis, a queue and a cache that a `manage.py run_huey` worker shares with the web
# process on one machine (`make run` sets both, in var/): the worker then runs the tasks and
# the periodic ones, which immediate mode never runs, and sees what the web process counted
# in the cache (short-link visits). Unset: tasks run in the web process, the cache is its own.
# Relative paths are from the project's folder.
HUEY_FILE = env_str("HUEY_FILE") and str(BASE_DIR / env_str("HUEY_FILE"))
CACHE_DIR = env_str("CACHE_DIR") and str(BASE_DIR / env_str("CACHE_DIR"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "ops.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "tessera",
            "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
        }
    }
elif CACHE_DIR:
    # Counters here are read and written back, not incremented in place: two processes
    # counting at the same instant may lose one. Development only; production has Redis.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": CACHE_DIR,
            # Past 300 entries it would drop a third at random, pending visit counts included.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

if REDIS_URL:
    _huey_class = "huey.RedisHuey"
    _huey_connection = {
        "connection_pool": fail_fast_pool(
            REDIS_URL,
            connect_timeout=REDIS_TIMEOUT,
            # Past the worker's blocking read, which Redis ends itself.
            timeout=HUEY_READ_TIMEOUT + REDIS_TIMEOUT,
        ),
        "read_timeout": HUEY_READ_TIMEOUT,
    }
elif HUEY_FILE:
    _huey_class, _huey_connection = "huey.SqliteHuey", {"filename": HUEY_FILE}
else:
    _huey_class, _huey_connection = "huey.MemoryHuey", {}
HUEY = {
    "name": "tessera",
    "huey_class": _huey_class,
    "immediate": env_bool("HUEY_IMMEDIATE", default=not (REDIS_URL or HUEY_FILE)),
    "connection": _huey_connection,
    "consumer": {"workers": env_int("HUEY_WORKERS", 2), "worker_type": "thread"},
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # The one that checks passwords, for allauth's login and the admin's, with the signed-in
    # user read from the cache; first, since a failed check stops Django from asking the
    # others (accounts.backends).
    "accounts.backends.CachedAllauthBackend",
    # Listed only so that the sessions they signed in stay valid (Django reads a session's
    # user with the backend it names): the first checks no passwords, the last two are never
    # asked to. Remove the last two after SESSION_COOKIE_AGE.
    "accounts.backends.CachedModelBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# Sign-in (django-allauth): email only, verified before first login.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_FORMS = {
    "signup": "accounts.forms.SignupForm",
    "login": "accounts.forms.LoginForm",
    "reset_password_from_key": "accounts.forms.ResetPasswordKeyForm",
    "add_email": "accounts.forms.AddEmailForm",
}
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"

# Sign-in with Google (allauth's Google provider), on when both GOOGLE_CLIENT_ID and
# GOOGLE_CLIENT_SECRET are set (an OAuth client of type "Web application" in Google Cloud).
# Off, no button shows and its pages answer 404 (accounts.google). The app is read from here,
# never from a SocialApp row. A Google account whose address Google has verified signs into
# the user with that address (any role); a new one becomes a customer, with no password until
# they set one by a reset.
GOOGLE_CLIENT_ID = env_str("GOOGLE_CLIENT_ID")
GOOGLE_CLIENT_SECRET = env_str("GOOGLE_CLIENT_SECRET")
if bool(GOOGLE_CLIENT_ID) != bool(GOOGLE_CLIENT_SECRET):
    raise ImproperlyConfigured(
        "Google sign-in needs both GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET (or neither, to "
        "leave it off)."
    )
SOCIALACCOUNT_ADAPTER = "accounts.adapter.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "google": {
        "APPS": (
            [{"client_id": GOOGLE_CLIENT_ID, "secret": GOOGLE_CLIENT_SECRET, "key": ""}]
            if GOOGLE_CLIENT_ID
            else []
        ),
        "SCOPE": ["openid", "email", "profile"],
        # Lets someone signed into several Google accounts choose which one.
        "AUTH_PARAMS": {"prompt": "select_account"},
        "OAUTH_PKCE_ENABLED": True,
    }
}
# Starting the dance takes a POST (with its CSRF token), so a link on another site cannot.
SOCIALACCOUNT_LOGIN_ON_GET = False
# Google is trusted with the addresses it says it has verified: such an address signs into
# the user who has it, and Google is then connected to that user. An address Google has not
# verified never does (allauth matches verified ones only).
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_QUERY_EMAIL = True
# The shop reads the address and the name Google sends once; it keeps no Google tokens.
SOCIALACCOUNT_STORE_TOKENS = False

# Email: printed to the console by default (decoded, for a person to read), SMTP when EMAIL_HOST
# is set.
_email_host = env_str("EMAIL_HOST")
if _email_host:
    _mailer = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": _email_host,
            "port": env_int("EMAIL_PORT", 587),
            "username": env_str("EMAIL_HOST_USER"),
            "password": env_str("EMAIL_HOST_PASSWORD"),
            "use_tls": env_bool("EMAIL_USE_TLS", default=True),
            "use_ssl": env_bool("EMAIL_USE_SSL", default=False),
            "timeout": env_int("EMAIL_TIMEOUT", 10),
        },
    }
else:
    _mailer = {"BACKEND": "ops.mail.ConsoleEmailBackend"}
MAILERS = {"default": _mailer}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"{SITE_NAME} <shop@tessera.localhost>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
ADMINS = [("Tessera admins", address) for address in env_list("ADMIN_EMAILS")]

# Telegram (ops.telegram): without a bot token, messages are logged instead of sent. Staff
# alerts go to TELEGRAM_CHAT_ID, and nowhere when it is unset. The token is a secret (error
# reports hide settings named *TOKEN* and *SECRET*).
TELEGRAM_BOT_TOKEN = env_str("TELEGRAM_BOT_TOKEN")
TELEGRAM_BOT_NAME = env_str("TELEGRAM_BOT_NAME")
TELEGRAM_CHAT_ID = env_str("TELEGRAM_CHAT_ID")
TELEGRAM_WEBHOOK_SECRET = env_str("TELEGRAM_WEBHOOK_SECRET")
TELEGRAM_API_URL = env_str("TELEGRAM_API_URL", "https://api.telegram.org")
TELEGRAM_TIMEOUT = env_int("TELEGRAM_TIMEOUT", 10)
if TELEGRAM_TIMEOUT <= 0:
    raise ImproperlyConfigured("TELEGRAM_TIMEOUT must be a positive number of seconds.")
# Error reports hide the passwords in connection URLs too (DATABASE_URL, REDIS_URL, ...).
DEFAULT_EXCEPTION_REPORTER_FILTER = "ops.error_reports.ErrorReportFilter"

# Files: local folders by default; S3 or DigitalOcean Spaces when the buckets are named.
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
PRIVATE_ROOT = VAR_DIR / "private"

PRODUCT_FILE_MAX_BYTES = env_int("PRODUCT_FILE_MAX_MB", 500) * 1024 * 1024
COVER_MAX_BYTES = env_int("COVER_MAX_MB", 5) * 1024 * 1024
# Files attached to a support message (at most 3 a message): each at most this large.
SUPPORT_ATTACHMENT_MAX_BYTES = env_int("SUPPORT_ATTACHMENT_MAX_MB", 10) * 1024 * 1024
# Behind nginx with local product files: downloads are handed to nginx through this internal
# location (e.g. /protected/, aliased to PRIVATE_ROOT) instead of streamed by Django.
DOWNLOAD_X_ACCEL_PREFIX = env_str("DOWNLOAD_X_ACCEL_PREFIX")

S3_ENDPOINT_URL = env_str("S3_ENDPOINT_URL")
S3_REGION = env_str("S3_REGION")
S3_ACCESS_KEY_ID = env_str("S3_ACCESS_KEY_ID")
S3_SECRET_ACCESS_KEY = env_str("S3_SECRET_ACCESS_KEY")
S3_PUBLIC_BUCKET = env_str("S3_PUBLIC_BUCKET")
S3_PUBLIC_CUSTOM_DOMAIN = env_str("S3_PUBLIC_CUSTOM_DOMAIN")
S3_PRIVATE_BUCKET = env_str("S3_PRIVATE_BUCKET")
S3_BACKUP_BUCKET = env_str("S3_BACKUP_BUCKET")
# Backups (ops.backups): the database and, where they are local folders, the media and private
# files, made by a periodic task on BACKUP_CRONTAB (huey's clock is UTC) or `manage.py backup`.
BACKUP_DIR = Path(env_str("BACKUP_DIR") or VAR_DIR / "backups").resolve()
if BACKUP_DIR.is_relative_to(Path(MEDIA_ROOT).resolve()):
    # Media is served to anyone who knows a file's name.
    raise ImproperlyConfigured(f"BACKUP_DIR must not be inside MEDIA_ROOT; got {BACKUP_DIR}")
BACKUP_CRONTAB = env_crontab("BACKUP_CRONTAB", "0 2 * * *")
# Kept after each backup: the newest of each of the last BACKUP_KEEP_DAILY days that have one,
# and the newest of each of the last BACKUP_KEEP_WEEKLY weeks that have one.
BACKUP_KEEP_DAILY = env_int("BACKUP_KEEP_DAILY", 7)
BACKUP_KEEP_WEEKLY = env_int("BACKUP_KEEP_WEEKLY", 4)
if BACKUP_KEEP_DAILY < 1 or BACKUP_KEEP_WEEKLY < 0:
    raise ImproperlyConfigured(
        "BACKUP_KEEP_DAILY must be 1 or more (the newest backup is always kept), "
        "BACKUP_KEEP_WEEKLY 0 or more."
    )
# pg_dump and pg_restore must be at least the server's major version.
BACKUP_PG_DUMP = env_str("BACKUP_PG_DUMP", "pg_dump")
BACKUP_PG_RESTORE = env_str("BACKUP_PG_RESTORE", "pg_restore")


def _s3(bucket: str, **options: object) -> dict:
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": S3_ENDPOINT_URL or None,
            "region_name": S3_REGION or None,
            "access_key": S3_ACCESS_KEY_ID or None,
            "secret_key": S3_SECRET_ACCESS_KEY or None,
            "file_overwrite": False,
            # SigV4 everywhere: new AWS buckets and most S3-compatible services refuse SigV2,
            # which boto still picks for presigned URLs in some regions.
            "signature_version": "s3v4",
            **options,
        },
    }


STORAGES = {
    "default": (
        _s3(
            S3_PUBLIC_BUCKET,
            default_acl="public-read",
            querystring_auth=False,
            custom_domain=S3_PUBLIC_CUSTOM_DOMAIN or None,
        )
        if S3_PUBLIC_BUCKET
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "private": (
        _s3(S3_PRIVATE_BUCKET, default_acl="private", querystring_auth=True, querystring_expire=60)
        if S3_PRIVATE_BUCKET
        else {"BACKEND": "ops.storage.PrivateFileSystemStorage"}
    ),
    # Backups (ops.backups): a private bucket, or a local folder that is never served.
    "backups": (
        _s3(S3_BACKUP_BUCKET, default_acl="private", querystring_auth=True, querystring_expire=60)
        if S3_BACKUP_BUCKET
        else {"BACKEND": "ops.storage.BackupFileSystemStorage"}
    ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Payments: the dev provider serves its own hosted checkout; Dodo Payments in production. The dev
# provider hands products out for a button press, so with DEBUG off it must be asked for by name.
PAYMENT_PROVIDER = env_choice("PAYMENT_PROVIDER", ("dev", "dodo", ""), "dev" if DEBUG else "")
if not PAYMENT_PROVIDER:
    raise ImproperlyConfigured(
        "With DEBUG off, set PAYMENT_PROVIDER: dodo in production, dev only for a trial run."
    )
DODO_PAYMENTS_API_KEY = env_str("DODO_PAYMENTS_API_KEY")
DODO_PAYMENTS_WEBHOOK_KEY = env_str("DODO_PAYMENTS_WEBHOOK_KEY")
DODO_PAYMENTS_ENVIRONMENT = env_choice(
    "DODO_PAYMENTS_ENVIRONMENT", ("test_mode", "live_mode"), "test_mode"
)
DODO_PAYMENTS_BASE_URL = env_str("DODO_PAYMENTS_BASE_URL")
# A buyer waits on these: a slow or failing API ends in a clear message, not a hung page.
DODO_PAYMENTS_TIMEOUT = env_int("DODO_PAYMENTS_TIMEOUT", 10)
DODO_PAYMENTS_MAX_RETRIES = env_int("DODO_PAYMENTS_MAX_RETRIES", 1)
if PAYMENT_PROVIDER == "dodo" and not (DODO_PAYMENTS_API_KEY and DODO_PAYMENTS_WEBHOOK_KEY):
    raise ImproperlyConfigured(
        "PAYMENT_PROVIDER=dodo needs DODO_PAYMENTS_API_KEY and DODO_PAYMENTS_WEBHOOK_KEY."
    )
# Hours a pending order waits for its payment (counted from its start, or from its last trip to
# the provider's checkout) before a periodic task expires it. A payment that arrives later still
# pays it.
PENDING_ORDER_EXPIRY_HOURS = env_int("PENDING_ORDER_EXPIRY_HOURS", 24)
if PENDING_ORDER_EXPIRY_HOURS <= 0:
    raise ImproperlyConfigured("PENDING_ORDER_EXPIRY_HOURS must be a positive number of hours.")


_public_file_origins = []
if S3_PUBLIC_BUCKET:
    _public_file_origins.append(
        f"https://{S3_PUBLIC_CUSTOM_DOMAIN}"
        if S3_PUBLIC_CUSTOM_DOMAIN
        else S3_ENDPOINT_URL or "https:"
    )

# Security. Production (DEBUG off) gets HTTPS-only cookies, HSTS and redirects by default.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:", *_public_file_origins],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    # Google's sign-in page is reached by a form's redirect, which form-action also governs.
    "form-action": [CSP.SELF, *(["https://accounts.google.com"] if GOOGLE_CLIENT_ID else [])],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
if env_bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Proxies in front of the app that append the address they saw to X-Forwarded-For: the
# visitor's address, on which rate limits and the download log key, is the outermost one's
# (ops.network). 0: the header is ignored, anyone could write it.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_COUNT must be 0 or more; got {TRUSTED_PROXY_COUNT}")
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# Sessions read from the cache, written through to the database; a cache failure falls back.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "ops.views.csrf_failure"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
