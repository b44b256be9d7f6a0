"""How the first catalog page and a search scale with the catalog's size, without the cache.

Run by bench/scaling.sh against one benchmark database per size. Every request is made with an
empty cache (the page cache would otherwise answer in constant time and hide the database),
through Django's full stack in process; prints the median and p90 in milliseconds.
"""

import os
import statistics
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.core.cache import cache  # noqa: E402
from django.test import Client  # noqa: E402

from shop.models import Product  # noqa: E402

REQUESTS = int(os.environ.get("SCALING_REQUESTS", "200"))
ENDPOINTS = {"catalog": "/products/", "search": "/products/?q=planner+kit"}


def measure(client: Client, path: str) -> list[float]:
    times = []
    for _ in range(REQUESTS):
        cache.clear()
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return times


client = Client()
size = Product.objects.published().count()
for name, path in ENDPOINTS.items():
    measure(client, path)  # warm connections and templates
    times = sorted(measure(client, path))
    median, p90 = statistics.median(times), times[int(len(times) * 0.9)]
    sys.stdout.write(f"{size}\t{name}\t{median:.2f}\t{p90:.2f}\n")
