from huey.contrib.djhuey import db_task

from support.models import SupportOffer
from support.services import ITEM


@db_task(retries=5, retry_delay=60)
def sync_dodo_support(*, product_id: int) -> None:
    """The product's support twin at Dodo in step with its offer as it is now (the task may
    run after later changes); nothing while support is not sold."""
    from billing.providers import dodo  # the SDK is heavy to import: only where Dodo is used

    offer = SupportOffer.objects.select_related("product").filter(product_id=product_id).first()
    if offer is not None and offer.price:
        dodo.sync_item(offer.product, item=ITEM, price=offer.price)
