"""One benchmark workload for one Python client, printed as one JSON line.

    python workload.py ours|official|raw cold|sweep|add|get

Clients: ``ours`` is the ``telnyx_reputation`` binding, ``official`` the PyPI ``telnyx``
SDK, ``raw`` a plain httpx + json loop (the floor). Each client module is imported inside
its function, so ``cold`` (import, client, one cached GET) is what a new process pays.
Parameters come from the ``BENCH_*`` environment variables set by ``cargo xtask bench``;
the driver times whole processes (cold start) and reads peak RSS, this script times the
workload itself. Keep this file free of anything that is not the workload.
"""

from __future__ import annotations

import json
import os
import sys
import time

BASE = os.environ["BENCH_BASE_URL"]
KEY = os.environ["BENCH_API_KEY"]
ENTERPRISE = os.environ["BENCH_ENTERPRISE_ID"]
PAGE_SIZE = 250
BATCH = 100


def bench_numbers() -> list[str]:
    count = int(os.environ.get("BENCH_COUNT", "10000"))
    return [f"+1202555{i:04d}" for i in range(count)]


def risk_name(risk: object) -> str:
    if risk is None:
        return "none"
    return str(getattr(risk, "value", risk))


# --- ours: the telnyx_reputation binding ---------------------------------------------


def ours_numbers():
    from telnyx_reputation import Client

    return Client(api_key=KEY, base_url=BASE).reputation(ENTERPRISE).numbers


def ours_sweep(numbers) -> dict:
    counts: dict[str, int] = {}
    for number in numbers.list(page_size=PAGE_SIZE):
        data = number.reputation_data
        risk = risk_name(data.spam_risk if data is not None else None)
        counts[risk] = counts.get(risk, 0) + 1
    return {"items": sum(counts.values()), "by_risk": counts}


def ours_add(numbers) -> dict:
    # The package's bulk path: validate all, atomic batches of 100, 4 in flight.
    report = numbers.add_all(bench_numbers())
    assert report.is_complete, report.failed
    return {"items": len(report.added)}


def ours_get(numbers, calls: int) -> dict:
    number = os.environ["BENCH_NUMBER"]
    for _ in range(calls):
        numbers.get(number)
    return {"calls": calls}


# --- official: the telnyx SDK from PyPI -------------------------------------------------


def official_numbers():
    import telnyx

    return telnyx.Telnyx(api_key=KEY, base_url=BASE).enterprises.reputation.numbers


def official_sweep(numbers) -> dict:
    counts: dict[str, int] = {}
    for number in numbers.list(ENTERPRISE, page_size=PAGE_SIZE):
        data = number.reputation_data
        risk = risk_name(data.spam_risk if data is not None else None)
        counts[risk] = counts.get(risk, 0) + 1
    return {"items": sum(counts.values()), "by_risk": counts}


def official_add(numbers) -> dict:
    all_numbers = bench_numbers()
    added = 0
    for start in range(0, len(all_numbers), BATCH):
        batch = all_numbers[start : start + BATCH]
        added += len(numbers.associate(ENTERPRISE, phone_numbers=batch).data)
    return {"items": added}


def official_get(numbers, calls: int) -> dict:
    number = os.environ["BENCH_NUMBER"]
    for _ in range(calls):
        numbers.retrieve(number, enterprise_id=ENTERPRISE)
    return {"calls": calls}


# --- raw: httpx + json, the floor ---------------------------------------------------------


def raw_numbers():
    import httpx

    http = httpx.Client(base_url=BASE, headers={"Authorization": f"Bearer {KEY}"})
    return http, f"/enterprises/{ENTERPRISE}/reputation/numbers"


def raw_json(response) -> dict:
    response.raise_for_status()
    return json.loads(response.content)


def raw_sweep(handle) -> dict:
    http, path = handle
    counts: dict[str, int] = {}
    page = 1
    while True:
        body = raw_json(http.get(path, params={"page[number]": page, "page[size]": PAGE_SIZE}))
        for item in body["data"]:
            data = item.get("reputation_data")
            risk = risk_name(data.get("spam_risk") if data else None)
            counts[risk] = counts.get(risk, 0) + 1
        if not body["data"] or page >= body["meta"]["total_pages"]:
            return {"items": sum(counts.values()), "by_risk": counts}
        page += 1


def raw_add(handle) -> dict:
    http, path = handle
    all_numbers = bench_numbers()
    added = 0
    for start in range(0, len(all_numbers), BATCH):
        body = raw_json(http.post(path, json={"phone_numbers": all_numbers[start : start + BATCH]}))
        added += len(body["data"])
    return {"items": added}


def raw_get(handle, calls: int) -> dict:
    http, path = handle
    number = os.environ["BENCH_NUMBER"]
    for _ in range(calls):
        raw_json(http.get(f"{path}/{number}"))
    return {"calls": calls}


CLIENTS = {
    "ours": (ours_numbers, ours_sweep, ours_add, ours_get),
    "official": (official_numbers, official_sweep, official_add, official_get),
    "raw": (raw_numbers, raw_sweep, raw_add, raw_get),
}


def main(client: str, workload: str) -> dict:
    make, sweep, add, get = CLIENTS[client]
    if workload == "cold":
        get(make(), 1)
        return {}
    handle = make()
    started = time.perf_counter()
    if workload == "sweep":
        result = sweep(handle)
    elif workload == "add":
        result = add(handle)
    elif workload == "get":
        result = get(handle, int(os.environ.get("BENCH_CALLS", "2000")))
    else:
        raise SystemExit(f"unknown workload {workload!r}")
    return {"seconds": time.perf_counter() - started, **result}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2])))
