"""The fixed cast (a buyer, a seller, a stranger, a staff member) and plain helpers."""

import os

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.db import connections
from huey.contrib.djhuey import HUEY

from access.downloads import presigned_forget_all
from accounts.models import User

PASSWORD = "correct-horse-battery-42"


def make_user(email: str, *, password: str = PASSWORD, verified: bool = True, **flags) -> User:
    user = User.objects.create_user(email, password, **flags)
    EmailAddress.objects.create(user=user, email=user.email, verified=verified, primary=True)
    return user


def make_seller(email: str, **flags) -> User:
    from accounts.services import user_start_selling

    return user_start_selling(user=make_user(email, **flags))


@pytest.fixture
def buyer(db) -> User:
    return make_user("buyer@example.com", name="Bea Buyer")


@pytest.fixture
def seller(db) -> User:
    return make_seller("seller@example.com", name="Sam Seller")


@pytest.fixture
def stranger(db) -> User:
    return make_user("stranger@example.com")


@pytest.fixture
def staff(db) -> User:
    return make_user("staff@example.com", is_customer=False, is_staff=True, is_superuser=True)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _files_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_ROOT = tmp_path / "private"
    settings.BACKUP_DIR = tmp_path / "backups"


@pytest.fixture(autouse=True)
def _maintenance_state_outlives_a_test(settings):
    # The switch's cached copy (ops.maintenance) lives 10 s in the shop; a test's setup may
    # take longer, and a query count pinned before and after it would then count one more read.
    # Its expiry has its own test (tests/ops/test_maintenance.py).
    settings.MAINTENANCE_CACHE_SECONDS = 3600


@pytest.fixture(autouse=True)
def _isolated_cache_and_tasks():
    # Tasks run in process in tests, also when Huey is configured for Redis (CI): a test that
    # wants the real queue turns immediate mode off itself.
    HUEY.immediate = True
    cache.clear()
    presigned_forget_all()
    yield
    cache.clear()


def pytest_collection_modifyitems(config, items):
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://...")
    skip_redis = pytest.mark.skip(reason="needs Redis: set REDIS_URL=redis://...")
    for item in items:
        if "postgres" in item.keywords and connections["default"].vendor != "postgresql":
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not os.environ.get("REDIS_URL"):
            item.add_marker(skip_redis)


def run_together(work, times: int) -> list[Exception]:
    """Run `work` in `times` threads released together by a barrier, each closing its own
    database connection; returns what they raised."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(times)
    errors = []

    def run():
        try:
            barrier.wait()
            work()
        except Exception as error:  # collected for the test to assert on
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def refusing_redis_url() -> str:
    """A Redis URL where nothing listens: every connection is refused."""
    import socket

    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


@pytest.fixture
def cache_down(settings):
    """The cache as production has it (Redis, ops.redis_cache), with Redis refusing."""
    from ops.redis import redis_forget_failures

    settings.CACHES = {
        "default": {
            "BACKEND": "ops.redis_cache.RedisCache",
            "LOCATION": refusing_redis_url(),
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
    redis_forget_failures()
    yield
    redis_forget_failures()


def warm_maintenance_state() -> None:
    """Read the maintenance switch once (ops.maintenance), as a running shop has it in the
    cache: a query count pinned after this is the page's own, in the steady state. The cold
    read's one query is pinned in tests/ops/test_maintenance.py."""
    from ops.maintenance import maintenance_state

    maintenance_state()


def make_product(seller: User, title: str = "Field Notes Template", **fields):
    from shop.services import product_create

    return product_create(seller=seller, title=title, **fields)


def add_version(product, label: str = "1.0.0", files: dict[str, bytes] | None = None):
    """A version added through the service, its files passing the same checks as an upload."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shop.services import version_add
    from shop.uploads import check_product_file

    uploads = [
        SimpleUploadedFile(name, content)
        for name, content in (files or {"notes.pdf": b"%PDF-1.4 demo"}).items()
    ]
    return version_add(
        product=product,
        label=label,
        changelog="First.",
        files=[check_product_file(upload) for upload in uploads],
    )
