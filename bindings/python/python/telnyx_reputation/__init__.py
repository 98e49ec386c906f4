"""The Telnyx Number Reputation API from Python, over the Rust ``telnyx-reputation`` core.

``Client`` blocks (releasing the GIL); ``AsyncClient`` returns coroutines. Both read
``TELNYX_API_KEY`` / ``TELNYX_BASE_URL`` unless given ``api_key=`` / ``base_url=``::

    from telnyx_reputation import Client

    client = Client()
    client.terms_of_service.agree_number_reputation()
    for number in client.reputation(enterprise_id).numbers.list(page_size=250):
        print(number.phone_number, number.reputation_data)

Errors are in ``telnyx_reputation.errors``, models in ``telnyx_reputation.models``,
webhook verification in ``telnyx_reputation.webhooks``, pytest fixtures backed by the
local emulator in ``telnyx_reputation.testing``.
"""

from . import errors, models, webhooks
from ._native import AsyncClient, Client, __version__
from ._paging import AsyncPager, AsyncPages, Pager, Pages
from ._raw import RawHeaders, RawResponse
from .errors import TelnyxReputationError
from .models import Page

__all__ = [
    "AsyncClient",
    "AsyncPager",
    "AsyncPages",
    "Client",
    "Page",
    "Pager",
    "Pages",
    "RawHeaders",
    "RawResponse",
    "TelnyxReputationError",
    "__version__",
    "errors",
    "models",
    "webhooks",
]
