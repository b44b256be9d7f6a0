from access.services import access_grant
from tests.conftest import add_version, make_product


def owned_product(owner, seller, title="Budget Kit", files=None, **fields):
    """A published product with one version, granted to `owner` as a purchase."""
    from shop.services import product_publish

    product = make_product(seller, title=title, price=fields.pop("price", 1200), **fields)
    add_version(product, files=files)
    product = product_publish(product=product)
    access_grant(user=owner, product=product, source="purchase", via="test", reference="order-1")
    return product
