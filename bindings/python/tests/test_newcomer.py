"""A new user's first hour, scripted: onboarding, 1,000 numbers from a CSV, what a read of
a new number shows, a local webhook receiver, typed events and errors, and what the type
checker says. `mypy --strict` checks this file too (the suite runs it over tests/), so the
`type: ignore` comments below fail the suite when the types they stand for go away
(`--strict` warns about unused ignores)."""

from __future__ import annotations

import csv
import http.server
import io
import queue
import threading
from collections.abc import Iterator

import pytest

from telnyx_reputation import webhooks
from telnyx_reputation.errors import (
    BillingRefusedError,
    InvalidInputError,
    NotFoundError,
    TelnyxReputationError,
)
from telnyx_reputation.testing import Emulator

from conftest import ENTERPRISE


class Receiver:
    """A plain `http.server` on loopback, as a newcomer's first webhook endpoint: every
    delivery is verified with the SDK and its typed event queued."""

    def __init__(self, public_key: str) -> None:
        self.events: queue.Queue[webhooks.WebhookEvent] = queue.Queue()
        events, key = self.events, public_key

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                # `self.headers` is an `http.client.HTTPMessage`, not a Mapping[str, str]:
                # it type-checks as `webhooks.Headers`.
                events.put(webhooks.verify(body, self.headers, key))
                self.send_response(200)
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def next(self) -> webhooks.WebhookEvent:
        return self.events.get(timeout=15)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(emulator: Emulator) -> Iterator[Receiver]:
    key: str = emulator.admin("GET", "/webhooks/public_key")["public_key"]
    receiver = Receiver(key)
    yield receiver
    receiver.close()


def fleet_csv(count: int) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["phone_number", "label"])
    for i in range(count):
        writer.writerow([f"+1202555{i:04d}", f"line {i}"])
    return out.getvalue()


def test_the_first_hour(emulator: Emulator, receiver: Receiver) -> None:
    client = emulator.client(max_billable=2000)

    # Onboarding: terms, the enterprise, the LOA, both approval gates.
    client.terms_of_service.agree_number_reputation()
    enterprise = client.enterprises.create(**ENTERPRISE)
    rep = client.reputation(enterprise.id)
    loa = rep.loa.render()
    assert loa.startswith(b"%PDF")
    rep.enable(client.documents.upload("loa.pdf", loa).id, "business_daily")
    emulator.set_gates(enterprise.id, status="approved", loa_status="approved")
    settings = rep.wait_until_approved(interval=0.01, timeout=5)
    # A property, as in Node's `readyForNumbers` (point 8).
    assert settings.ready_for_numbers is True

    # Enum inputs are literal types: mypy refuses "hourly" (the ignore below is needed, and
    # --strict fails if it ever is not), and it is refused at run time before any request
    # (point 7).
    sent = len(emulator.requests())
    with pytest.raises(InvalidInputError):
        rep.set_frequency("hourly")  # type: ignore[arg-type]
    assert len(emulator.requests()) == sent

    # 1,000 numbers from a CSV, one line mistyped: every bad line is a structured entry with
    # a JSON pointer, and nothing is sent or billed (point 5).
    rows = list(csv.DictReader(io.StringIO(fleet_csv(1000))))
    numbers = [row["phone_number"] for row in rows]
    typo = [*numbers[:10], "+1202555O011", *numbers[10:]]
    ledger = emulator.ledger()
    with pytest.raises(InvalidInputError) as caught:
        rep.numbers.add_all(typo)
    assert [e.pointer for e in caught.value.errors] == ["/phone_numbers/10"]
    assert "+1202555O011" in str(caught.value)
    assert emulator.ledger() == ledger
    report = rep.numbers.add_all(numbers)
    # A property, not a method: a bound method would not be `True` (point 8).
    assert report.is_complete is True
    assert len(report.added) == 1000

    # Newly added numbers have no reputation data, and the model says so (point 1).
    first_page = rep.numbers.list(page_size=250).first_page()
    assert len(first_page.items) == 250
    assert all(n.reputation_data is None for n in first_page.items)
    # One refresh of ten numbers (billed per number), then the free cached list has data.
    rep.numbers.refresh(numbers[:10])
    refreshed = [n for n in rep.numbers.list(page_size=250) if n.reputation_data is not None]
    assert sorted(n.phone_number for n in refreshed) == numbers[:10]
    assert client.usage().units("refreshes") == 10

    # A local, plain-http webhook receiver: accepted for loopback (point 2), and the
    # emulator's deliveries arrive typed.
    rep.set_webhook(receiver.url)
    emulator.admin(
        "POST",
        "/numbers/ownership",
        {
            "phone_number": numbers[3],
            "ownership_status": "pending_confirmation",
            "flag_reason": "reverification_due",
        },
    )
    flagged = receiver.next()
    assert isinstance(flagged, webhooks.NumberFlagged)
    assert flagged.phone_number == numbers[3]

    # Remediation with its own loopback webhook: typed status changes (point 3).
    submitted = rep.remediation.submit(
        numbers[:2], "Appointment reminders for our clinic.", webhook_url=receiver.url
    )
    done = rep.remediation.wait_until_finished(submitted.id, interval=0.01, timeout=10)
    assert done.status == "completed"
    seen: list[str] = []
    while not seen or seen[-1] != "completed":
        event = receiver.next()
        assert isinstance(event, webhooks.RemediationStatusChanged), event
        assert event.remediation.id == submitted.id
        seen.append(event.remediation.status)
    assert client.usage().units("remediations") == 2

    # Errors are classes to catch, with a stable code (point 4 is Node's; the same names).
    with pytest.raises(NotFoundError) as missing:
        rep.remediation.get("00000000-0000-4000-8000-000000000000")
    assert missing.value.code == "NOT_FOUND"
    assert missing.value.status_code == 404
    assert isinstance(missing.value, TelnyxReputationError)

    # A budget is a budget: past it, refused before I/O, nothing billed.
    spent = client.usage().total_requests
    tight = emulator.client(max_billable=5)
    ledger = emulator.ledger()
    with pytest.raises(BillingRefusedError):
        tight.reputation(enterprise.id).numbers.refresh(numbers[10:20])
    assert emulator.ledger() == ledger
    assert client.usage().total_requests == spent
