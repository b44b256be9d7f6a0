import pytest
from django.core.management import call_command

from shop.models import Product, ShortLink

pytestmark = pytest.mark.django_db


def test_seed_bench_creates_published_products_and_tops_up(client):
    call_command("seed_bench", "--products", "30", "--batch", "7")
    call_command("seed_bench", "--products", "40", "--batch", "7")
    call_command("seed_bench", "--products", "40")

    bench = Product.objects.filter(slug__startswith="bench-")
    assert bench.count() == 40
    assert bench.published().count() == 40
    assert ShortLink.objects.filter(product__in=bench).count() == 40
    assert client.get(f"/p/{bench.first().slug}/").status_code == 200
    assert client.get("/products/?q=planner").status_code == 200
