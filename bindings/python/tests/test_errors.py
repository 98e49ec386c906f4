"""Every exception class: raised for its status or failure, carrying status, request id
and ``errors[]``, picklable, and in the hierarchy of docs/architecture.md."""

from __future__ import annotations

import pickle

import pytest

from conftest import ENTERPRISE, Sdk, numbers
from telnyx_reputation import Client, errors
from telnyx_reputation.testing import Emulator

STATUS_CLASSES: list[tuple[int, type[errors.APIStatusError]]] = [
    (400, errors.BadRequestError),
    (401, errors.AuthenticationError),
    (403, errors.PermissionDeniedError),
    (404, errors.NotFoundError),
    (409, errors.ConflictError),
    (418, errors.APIStatusError),
    (422, errors.UnprocessableEntityError),
    (429, errors.RateLimitError),
    (500, errors.InternalServerError),
    (503, errors.InternalServerError),
]


@pytest.mark.parametrize(("status", "cls"), STATUS_CLASSES)
def test_each_status_raises_its_class(sdk: Sdk, status: int, cls: type[Exception]) -> None:
    sdk.emulator.fault(status=status, count=5, path_prefix="/v2/terms_of_service")
    with pytest.raises(cls) as caught:
        sdk.run(sdk.client.terms_of_service.agree_number_reputation())
    error = caught.value
    assert type(error) is cls
    assert isinstance(error, errors.TelnyxReputationError)
    assert isinstance(error, errors.APIStatusError)
    assert error.status_code == status
    assert str(error).startswith(f"{status} ")


def test_unprocessable_carries_parsed_errors_and_message(sdk: Sdk) -> None:
    with pytest.raises(errors.UnprocessableEntityError) as caught:
        # A field only the server checks (the FEIN format is refused client-side).
        sdk.run(sdk.client.enterprises.create(**{**ENTERPRISE, "industry": "nope"}))
    error = caught.value
    assert error.status_code == 422
    assert error.errors
    assert error.errors[0].pointer == "/industry"
    assert isinstance(error.errors[0], errors.ErrorObject)
    assert str(error).startswith("422 Unprocessable: ")
    assert "(at /industry)" in str(error)


def test_natural_403_409_and_422(sdk: Sdk) -> None:
    enterprise_id = sdk.run(sdk.client.enterprises.create(**ENTERPRISE)).id
    rep = sdk.client.reputation(enterprise_id)
    with pytest.raises(errors.PermissionDeniedError):
        sdk.run(rep.enable(sdk.loa_document(), "daily"))
    with pytest.raises(errors.ConflictError):
        sdk.run(sdk.client.enterprises.create(**ENTERPRISE))
    approved = sdk.client.reputation(sdk.approved_enterprise("Other Co"))
    sdk.run(approved.numbers.add(numbers(0, 1)))
    with pytest.raises(errors.UnprocessableEntityError) as caught:
        sdk.run(approved.numbers.add(numbers(0, 1)))
    assert caught.value.errors[0].pointer == "/phone_numbers/0"


def test_rate_limit_carries_retry_after(emulator: Emulator) -> None:
    client = emulator.client(max_retries=0)
    emulator.fault(status=429, retry_after=7)
    with pytest.raises(errors.RateLimitError) as caught:
        client.terms_of_service.status("number_reputation")
    assert caught.value.retry_after == 7.0


def test_server_errors_are_retried_then_raised(emulator: Emulator) -> None:
    client = emulator.client(max_retries=1, retry_cap=0.01)
    emulator.fault(status=503, count=1)
    assert client.terms_of_service.status("number_reputation").has_agreed is False
    emulator.fault(status=503, count=2)
    with pytest.raises(errors.InternalServerError):
        client.terms_of_service.status("number_reputation")


def test_timeout(emulator: Emulator) -> None:
    client = emulator.client(timeout=0.2, max_retries=0)
    emulator.fault(status=503, delay_ms=2000)
    with pytest.raises(errors.APITimeoutError) as caught:
        client.terms_of_service.status("number_reputation")
    assert isinstance(caught.value, errors.APIConnectionError)


def test_connection_refused() -> None:
    client = Client(api_key="KEY_x", base_url="http://127.0.0.1:9/v2", max_retries=0)
    with pytest.raises(errors.APIConnectionError) as caught:
        client.terms_of_service.status("number_reputation")
    assert caught.value.status_code is None


ALL_CLASSES = [
    errors.TelnyxReputationError,
    errors.InvalidInputError,
    errors.APIStatusError,
    errors.BadRequestError,
    errors.AuthenticationError,
    errors.PermissionDeniedError,
    errors.NotFoundError,
    errors.ConflictError,
    errors.UnprocessableEntityError,
    errors.InternalServerError,
    errors.APIConnectionError,
    errors.APITimeoutError,
    errors.WebhookVerificationError,
]


@pytest.mark.parametrize("cls", ALL_CLASSES)
def test_every_class_pickles_with_its_fields(cls: type[errors.TelnyxReputationError]) -> None:
    detail = errors.ErrorObject(code="10015", title="Invalid", pointer="/x")
    error = cls("boom", status_code=422, request_id="req-1", errors=[detail])
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is cls
    assert (copy.message, copy.status_code, copy.request_id) == ("boom", 422, "req-1")
    assert copy.errors == [detail]


def test_rate_limit_and_gate_rejected_pickle_their_extras() -> None:
    limited = pickle.loads(pickle.dumps(errors.RateLimitError("slow", retry_after=1.5)))
    assert limited.retry_after == 1.5
    rejected = pickle.loads(pickle.dumps(errors.GateRejectedError("no", reasons=["FEIN"])))
    assert rejected.reasons == ["FEIN"]


def test_a_billable_post_whose_answer_is_lost_is_outcome_unknown(sdk: Sdk) -> None:
    rep = sdk.client.reputation(sdk.approved_enterprise())
    sdk.emulator.fault(method="POST", drop_after_processing=True)
    with pytest.raises(errors.APIConnectionError) as caught:
        sdk.run(rep.numbers.add(numbers(0, 2)))
    assert caught.value.outcome_unknown is True
    assert "outcome unknown" in str(caught.value)
    adds = [e for e in sdk.emulator.requests() if e["path"].endswith("/reputation/numbers")]
    assert [e["answer_dropped"] for e in adds] == [True], "sent once, not retried"
    assert sdk.emulator.ledger()["numbers_added"] == 2
