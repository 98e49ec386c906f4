"""Reputation of every monitored number with ``AsyncClient``, looking several up at once.

TELNYX_API_KEY=... TELNYX_BASE_URL=... python quickstart_async.py
"""

import asyncio

from telnyx_reputation import AsyncClient
from telnyx_reputation.models import ReputationNumber


async def main() -> list[ReputationNumber]:
    client = AsyncClient()
    monitored = [number async for number in client.numbers.list(page_size=250)]
    lookups = (client.numbers.get(number.phone_number) for number in monitored)
    fresh = await asyncio.gather(*lookups)
    for number in fresh:
        print(number.phone_number, number.reputation_data)
    return fresh


if __name__ == "__main__":
    asyncio.run(main())
