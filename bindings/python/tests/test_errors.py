"""Every exception class: raised for its status or failure, carrying status, request id
and ``errors[]``, picklable, and in the hierarchy of docs/architecture.md."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

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


def test_retry_after_is_on_every_class_not_only_rate_limit(emulator: Emulator) -> None:
    client = emulator.client(max_retries=0)
    emulator.fault(status=503, retry_after_ms="2500")
    with pytest.raises(errors.InternalServerError) as caught:
        client.terms_of_service.status("number_reputation")
    assert caught.value.retry_after == 2.5
    assert caught.value.details["retry_after"] == 2.5


def test_an_undecodable_2xx_raises_api_response_validation_error(sdk: Sdk) -> None:
    sdk.emulator.fault(
        method="POST",
        path_prefix="/v2/terms_of_service/number_reputation/agree",
        status=200,
        headers={"x-request-id": "req-decode"},
        body={"data": {"unexpected": True}},
    )
    with pytest.raises(errors.APIResponseValidationError) as caught:
        sdk.run(sdk.client.terms_of_service.agree_number_reputation())
    error = caught.value
    assert isinstance(error, errors.TelnyxReputationError)
    assert not isinstance(error, errors.APIStatusError)
    assert (error.code, error.status, error.status_code) == ("DECODE", 200, 200)
    assert error.request_id == "req-decode"
    assert error.body == '{"data":{"unexpected":true}}'
    assert str(error).startswith("could not decode the 200 response: ")
    assert error.details["kind"] == "DECODE"
    assert error.details["body"] == error.body
    agrees = [e for e in sdk.emulator.requests() if e["path"].endswith("/agree")]
    assert len(agrees) == 1, "a 2xx is an answer: not retried"


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
    errors.APIResponseValidationError,
    errors.GateRejectedError,
    errors.BillingRefusedError,
    errors.RateLimitError,
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


def test_every_class_has_every_field_and_its_code() -> None:
    for cls in ALL_CLASSES:
        error = cls("boom")
        for name in ("status", "status_code", "request_id", "retry_after", "gate", "body"):
            assert getattr(error, name) is None, (cls, name)
        assert error.errors == []
        assert set(error.details) == {
            "kind",
            "message",
            "status",
            "request_id",
            "errors",
            "retry_after",
            "gate",
            "reasons",
            "outcome_unknown",
            "body",
        }
        assert error.details["kind"] == cls.code
    assert errors.RateLimitError.code == "RATE_LIMITED"
    assert errors.APIResponseValidationError.code == "DECODE"


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


FIXTURE = json.loads(
    (Path(__file__).parents[2] / "fixtures" / "error-details.json").read_text(encoding="utf-8")
)


def triggered(emulator: Emulator, case: str) -> errors.TelnyxReputationError:
    """The error the shared fixture's ``case`` produces."""
    client = emulator.client(max_retries=0)
    if case == "gate_rejected":
        sdk = Sdk(client, emulator)
        enterprise_id = sdk.enterprise()
        rep = client.reputation(enterprise_id)
        rep.enable(sdk.loa_document(), "business_daily")
        emulator.set_gates(enterprise_id, status="rejected", rejection_reasons=["FEIN mismatch"])
        with pytest.raises(errors.GateRejectedError) as gate:
            rep.wait_until_approved(interval=0.05, timeout=5)
        return gate.value
    emulator.fault(**FIXTURE["cases"][case]["fault"])
    with pytest.raises(errors.TelnyxReputationError) as caught:
        client.enterprises.get(FIXTURE["unknown_id"])
    return caught.value


@pytest.mark.parametrize("case", sorted(FIXTURE["cases"]))
def test_details_match_the_shared_fixture(emulator: Emulator, case: str) -> None:
    """The same dict Node's ``err.details`` must equal (bindings/fixtures/error-details.json)."""
    assert triggered(emulator, case).details == FIXTURE["cases"][case]["details"]


@pytest.mark.parametrize("case", sorted(FIXTURE["cases"]))
def test_attributes_equal_the_details(emulator: Emulator, case: str) -> None:
    error = triggered(emulator, case)
    details = error.details
    assert type(error).code == details["kind"]
    assert str(error) == details["message"]
    assert (error.status, error.request_id) == (details["status"], details["request_id"])
    assert (error.retry_after, error.gate, error.reasons) == (
        details["retry_after"],
        details["gate"],
        details["reasons"],
    )
    assert (error.outcome_unknown, error.body) == (details["outcome_unknown"], details["body"])
    assert [e.meta for e in error.errors] == [e["meta"] for e in details["errors"]]
