"""A seeded chaos soak through the Python binding, bounded in time: ``add_all`` of 1,000
numbers, then rounds of refreshes, remediation submits and list sweeps, while fault rules
answer with 503s, 429s with Retry-After, connections dropped before and after the API
processed the request, and delays past the client's timeout. Then, from the emulator's ledger
and journal (faults cleared): no billable POST was resent after an attempt that may have been
processed, every call succeeded or raised a typed error, no add batch is half-applied, and a
batch whose answer was lost is reported as ``outcome_unknown``. ``CHAOS_SEED`` changes the
plan."""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from conftest import Sdk, numbers

from telnyx_reputation import errors
from telnyx_reputation.testing import Emulator

SEED = int(os.environ.get("CHAOS_SEED", "20261201"))
PAST_TIMEOUT_MS = 700
KINDS: list[dict[str, Any]] = [
    {"status": 503},
    {"status": 429, "retry_after": 1},
    {"drop_connection": True},
    {"drop_after_processing": True},
    {"status": 503, "delay_ms": PAST_TIMEOUT_MS},
    {"drop_after_processing": True, "delay_ms": PAST_TIMEOUT_MS},
]
EXPECTED = (
    errors.InternalServerError,
    errors.RateLimitError,
    errors.APIConnectionError,  # APITimeoutError included
)


def inject(emulator: Emulator, rng: random.Random, enterprise: str, count: int) -> None:
    base = f"/v2/enterprises/{enterprise}/reputation"
    routes = [
        ("POST", f"{base}/numbers"),
        ("POST", f"{base}/numbers/refresh"),
        ("POST", f"{base}/remediation"),
        ("GET", f"{base}/numbers"),
    ]
    for _ in range(count):
        method, path = rng.choice(routes)
        rule = dict(rng.choice(KINDS), method=method, path_prefix=path, count=rng.randint(1, 2))
        emulator.fault(**rule)


def check_billable(error: BaseException) -> None:
    assert isinstance(error, EXPECTED), repr(error)
    if isinstance(error, errors.APIConnectionError):
        assert error.outcome_unknown, str(error)
        assert "outcome unknown" in str(error)


def body_numbers(entry: dict[str, Any]) -> list[str]:
    try:
        return list(json.loads(entry["body"]).get("phone_numbers", []))
    except (ValueError, AttributeError):
        return []


def processed(entry: dict[str, Any]) -> bool:
    return entry["status"] is not None and 200 <= entry["status"] < 300


def test_chaos_soak_never_bills_twice_and_reports_every_outcome(emulator: Emulator) -> None:
    started = time.monotonic()
    client = emulator.client(timeout=0.4, max_retries=2, retry_cap=2.0)
    enterprise = Sdk(client, emulator).approved_enterprise("Chaos Soak LLC")
    rep = client.reputation(enterprise)
    rng = random.Random(SEED)
    everything = numbers(0, 1000)
    counts: dict[str, int] = {}

    inject(emulator, rng, enterprise, 12)
    report = rep.numbers.add_all(everything, concurrency=4)
    for failure in report.failed:
        counts[failure.error_kind] = counts.get(failure.error_kind, 0) + 1
        assert failure.error_kind in ("SERVER_ERROR", "RATE_LIMITED", "CONNECTION", "TIMEOUT")
        if failure.error_kind in ("CONNECTION", "TIMEOUT"):
            assert failure.outcome_unknown, failure.message
    failed = {f.batch_index: f.outcome_unknown for f in report.failed}

    for round_ in range(6):
        inject(emulator, rng, enterprise, 4)
        start = round_ * 100 + rng.randrange(50)
        candidate = everything[round_ * 100 + 60 + rng.randrange(30)]
        calls: list[Callable[[], object]] = [
            partial(rep.numbers.refresh, everything[start : start + 20 + round_]),
            partial(rep.remediation.submit, [candidate], f"soak round {round_}"),
        ]
        for call in calls:
            try:
                call()
            except (errors.UnprocessableEntityError, errors.NotFoundError):
                pass  # a remediation for a number whose batch failed
            except errors.TelnyxReputationError as e:
                counts[type(e).__name__] = counts.get(type(e).__name__, 0) + 1
                check_billable(e)
        try:
            list(rep.numbers.list(page_size=250))
        except errors.TelnyxReputationError as e:
            assert isinstance(e, EXPECTED), repr(e)
            assert not getattr(e, "outcome_unknown", False), "a read is never outcome-unknown"

    emulator.admin("DELETE", "/faults")
    journal = emulator.requests()
    ledger = emulator.ledger()
    monitored = {n.phone_number for n in rep.numbers.list(page_size=250)}

    by_body: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for entry in journal:
        if entry["method"] == "POST":
            by_body.setdefault((entry["path"], entry["body"]), []).append(entry)
    for (path, body), attempts in by_body.items():
        for earlier in attempts[:-1]:
            assert earlier["status"] == 429, f"{path} {body} resent after {earlier}"
        assert sum(processed(a) for a in attempts) <= 1, f"{path} {body} applied twice"

    refresh_path = f"/v2/enterprises/{enterprise}/reputation/numbers/refresh"
    billed = sum(
        len([n for n in body_numbers(e) if n in monitored])
        for e in journal
        if e["path"] == refresh_path and processed(e)
    )
    assert ledger["refreshes"] == billed
    assert ledger["numbers_added"] == len(monitored)

    add_path = f"/v2/enterprises/{enterprise}/reputation/numbers"
    for entry in journal:
        if entry["path"] == add_path and entry["method"] == "POST" and entry["answer_dropped"]:
            index = everything.index(body_numbers(entry)[0]) // 100
            assert failed.get(index) is True, f"batch {index} applied, answer lost, not unknown"
    for index in range(10):
        batch = everything[index * 100 : (index + 1) * 100]
        present = sum(n in monitored for n in batch)
        assert present in (0, 100), f"batch {index} half-applied: {present}"
        if index not in failed:
            assert present == 100
        elif failed[index] is False:
            assert present == 0
    dropped = sum(bool(e["answer_dropped"]) for e in journal)
    faulted = sum(e["fault_id"] is not None for e in journal)
    elapsed = time.monotonic() - started
    print(
        f"python chaos soak seed {SEED}: {len(journal)} requests ({faulted} faulted, {dropped} "
        f"answers dropped after processing), errors {counts}, failed batches {failed}, "
        f"ledger total {ledger['total']}, {elapsed:.1f} s"
    )
    assert faulted > 0
    assert elapsed < 60
