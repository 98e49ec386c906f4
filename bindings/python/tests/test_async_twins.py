"""``AsyncClient`` hands out the ``Async*`` twin of every resource class (what the ``.pyi``
types as returning coroutines), ``Client`` the class itself."""

from __future__ import annotations

from telnyx_reputation import AsyncClient, Client, _native

ENTERPRISE_ID = "4a6192a4-573d-446d-b3ce-aff9117272a6"


def handles(client: Client | AsyncClient) -> dict[str, object]:
    rep = client.reputation(ENTERPRISE_ID)
    return {
        "TermsOfService": client.terms_of_service,
        "Agreements": client.terms_of_service.agreements,
        "Enterprises": client.enterprises,
        "Documents": client.documents,
        "AccountNumbers": client.numbers,
        "Reputation": rep,
        "Loa": rep.loa,
        "Numbers": rep.numbers,
        "Remediations": rep.remediation,
        "ExternalVerifications": rep.external_verification,
        "RemediationWatch": rep.remediation.watch(ENTERPRISE_ID),
    }


def test_each_client_hands_out_its_own_classes() -> None:
    key, url = "KEY_twins", "http://127.0.0.1:9/v2"
    for name, handle in handles(Client(api_key=key, base_url=url)).items():
        assert type(handle) is getattr(_native, name), name
    for name, handle in handles(AsyncClient(api_key=key, base_url=url)).items():
        assert type(handle) is getattr(_native, f"Async{name}"), name
