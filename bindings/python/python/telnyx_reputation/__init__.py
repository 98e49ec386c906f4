"""The Telnyx Number Reputation API from Python, over the Rust ``telnyx-reputation`` core.

``Client`` blocks (releasing the GIL); ``AsyncClient`` returns coroutines. Both read
``TELNYX_API_KEY`` / ``TELNYX_BASE_URL`` unless given ``api_key=`` / ``base_url=``::

    from telnyx_reputation import Client

    client = Client()
    client.terms_of_service.agree_number_reputation()
    for number in client.reputation(enterprise_id).numbers.list(page_size=250):
        print(number.phone_number, number.reputation_data)

Errors are in ``telnyx_reputation.errors``, models in ``telnyx_reputation.models``,
the price table in ``telnyx_reputation.PRICES``,
webhook verification in ``telnyx_reputation.webhooks``, pytest fixtures backed by the
local emulator in ``telnyx_reputation.testing``.
"""

from . import errors, models, webhooks
from ._native import AsyncClient, Client, __version__, published_prices
from ._paging import AsyncPager, AsyncPages, Pager, Pages
from ._raw import RawHeaders, RawResponse
from .errors import TelnyxReputationError
from .models import Page, Price

PRICES: tuple[Price, ...] = tuple(published_prices())
"""The published price table: each billable item with its unit, price in US dollars
(``None``: the pricing page does not state it), and the source and date it was read from.
A client counts with ``client.prices`` (these, unless given ``prices=``)."""

__all__ = [
    "AsyncClient",
    "AsyncPager",
    "AsyncPages",
    "Client",
    "Page",
    "PRICES",
    "Pager",
    "Pages",
    "Price",
    "RawHeaders",
    "RawResponse",
    "TelnyxReputationError",
    "__version__",
    "errors",
    "models",
    "webhooks",
]
