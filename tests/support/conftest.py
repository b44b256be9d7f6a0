# Dodo through its SDK against the local stub, as billing's tests have it.
from tests.billing.conftest import dodo, stub  # noqa: F401
