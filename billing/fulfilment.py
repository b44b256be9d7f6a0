"""What an order buys, and what paying for it does: the registration point through which a
higher app sells something of its own (DESIGN: a lower app exposes an explicit, synchronous
registration point, never a signal).

Each item kind (`Order.item`) registers, once at app start, a pair of functions that the
webhook's transaction calls, under the lock on the order:

- `fulfil(order=...)` when the order comes to own what it bought: paid, or a dispute won back
  after a chargeback (so it may follow an `undo`: it then restores);
- `undo(order=..., reason=...)` when it stops owning it: reason "refund" or "chargeback".

Both must be idempotent and must write only through services, in the caller's transaction (no
`on_commit` work that decides anything): an exception from either rolls the whole event back,
and the provider retries it. Billing registers "product" (grant and revoke access) itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from billing.models import Order

# Order.item's max_length: a longer item could never be stored.
ITEM_MAX_LENGTH = 20


class Fulfil(Protocol):
    def __call__(self, *, order: Order) -> None: ...


class Undo(Protocol):
    def __call__(self, *, order: Order, reason: str) -> None: ...


@dataclass(frozen=True)
class Fulfilment:
    item: str
    label: str
    fulfil: Fulfil
    undo: Undo


class UnknownItem(LookupError):
    """No app registered this item kind: nothing could fulfil an order for it."""


class ItemTaken(ValueError):
    """Another app registered this item kind already, with other functions."""


_fulfilments: dict[str, Fulfilment] = {}


def register_fulfilment(item: str, *, label: str, fulfil: Fulfil, undo: Undo) -> None:
    """Sell `item` through billing. Registering the same functions again changes nothing (an
    app's ready() may run twice); other functions for a registered item are refused, since two
    apps would each believe they fulfil it."""
    if not item or len(item) > ITEM_MAX_LENGTH:
        raise ValueError(f"an item is 1 to {ITEM_MAX_LENGTH} characters: {item!r}")
    fulfilment = Fulfilment(item=item, label=label, fulfil=fulfil, undo=undo)
    registered = _fulfilments.setdefault(item, fulfilment)
    if registered != fulfilment:
        raise ItemTaken(f"the item {item!r} is fulfilled by {registered.fulfil!r} already")


def fulfilment_for(item: str) -> Fulfilment:
    try:
        return _fulfilments[item]
    except KeyError:
        known = ", ".join(sorted(_fulfilments)) or "none"
        raise UnknownItem(f"no app fulfils the item {item!r} (known: {known})") from None


def item_choices() -> list[tuple[str, str]]:
    """Order.item's choices, read when asked (admin filters, labels, model validation), so that
    an app registering an item needs no billing migration."""
    return [(item, fulfilment.label) for item, fulfilment in _fulfilments.items()]
