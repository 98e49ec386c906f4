"""The official `telnyx` Python SDK (PyPI) runs the seed's whole quickstart, unchanged,
against the emulator binary: pointing base_url at it is all a user has to do."""

import base64
import time

import pytest
import telnyx

ENTERPRISE = dict(
    legal_name="Acme Plumbing LLC",
    doing_business_as="Acme Plumbing",
    organization_type="commercial",
    organization_legal_type="llc",
    country_code="US",
    jurisdiction_of_incorporation="Delaware",
    website="https://acmeplumbing.example.com",
    fein="12-3456789",
    industry="technology",
    number_of_employees="51-200",
    organization_contact=dict(
        first_name="Sam",
        last_name="Owner",
        email="sam@acmeplumbing.example.com",
        job_title="Compliance Lead",
        phone_number="+13125550000",
    ),
    billing_contact=dict(
        first_name="Alex",
        last_name="Bill",
        email="billing@acmeplumbing.example.com",
        phone_number="+13125550001",
    ),
    organization_physical_address=dict(
        country="US",
        administrative_area="IL",
        city="Chicago",
        postal_code="60601",
        street_address="100 Main St",
    ),
    billing_address=dict(
        country="US",
        administrative_area="IL",
        city="Chicago",
        postal_code="60601",
        street_address="100 Main St",
    ),
)
NUMBERS = ["+12025551234", "+12025555678", "+13125550123"]


def wait_for_gates(client: telnyx.Telnyx, enterprise_id: str) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        settings = client.enterprises.reputation.retrieve(enterprise_id).data
        if settings.status == "approved" and settings.loa_status == "approved":
            return
        time.sleep(0.05)
    pytest.fail("gates never approved")


def test_quickstart_with_the_official_sdk(emulator_url: str, api_key: str) -> None:
    client = telnyx.Telnyx(api_key=api_key, base_url=emulator_url, max_retries=0)
    reputation = client.enterprises.reputation

    # Step 1: terms (status defaults to branded_calling, so ask for number_reputation).
    assert (
        client.terms_of_service.retrieve_status(product_type="number_reputation").data.has_agreed
        is False
    )
    client.terms_of_service.number_reputation.agree()
    assert (
        client.terms_of_service.retrieve_status(product_type="number_reputation").data.has_agreed
        is True
    )

    # Step 2: enterprise.
    enterprise = client.enterprises.create(**ENTERPRISE).data
    assert enterprise.legal_name == "Acme Plumbing LLC"

    # Step 3: the LOA is a real PDF.
    pdf = reputation.loa.render(enterprise.id).read()
    assert pdf.startswith(b"%PDF-")

    # Step 4: upload it the way the official SDK does (base64 JSON).
    document = client.documents.upload(
        document={"file": base64.b64encode(pdf).decode(), "filename": "loa.pdf"}
    ).data
    assert document.id

    # Step 5 and 6: enable, then both gates approve.
    enabled = reputation.enable(
        enterprise.id, loa_document_id=document.id, check_frequency="business_daily"
    ).data
    assert (enabled.status, enabled.loa_status) == ("pending", "pending")
    wait_for_gates(client, enterprise.id)

    # Step 7: numbers (the SDK sends a literal `+` in paths; the emulator accepts it).
    added = reputation.numbers.associate(enterprise.id, phone_numbers=NUMBERS)
    assert sorted(n.phone_number for n in added.data) == sorted(NUMBERS)
    assert all(n.reputation_data is None for n in added.data)

    # Step 8: first read is a live lookup, fresh=true always is.
    cached = reputation.numbers.retrieve(NUMBERS[0], enterprise_id=enterprise.id).data
    assert cached.reputation_data is not None
    assert cached.reputation_data.spam_risk in ("low", "medium", "high")
    fresh = reputation.numbers.retrieve(NUMBERS[0], enterprise_id=enterprise.id, fresh=True).data
    assert fresh.phone_number == NUMBERS[0]

    listed = [n.phone_number for n in reputation.numbers.list(enterprise.id, page_size=2)]
    assert sorted(listed) == sorted(NUMBERS), "auto-pagination walks both pages"

    refreshed = reputation.numbers.refresh(enterprise.id, phone_numbers=NUMBERS[:2]).data
    assert (refreshed.total_requested, refreshed.total_successful) == (2, 2)

    # Remediation: 202 pending, then completed with every number in one bucket.
    remediation = reputation.remediation.create(
        enterprise.id, phone_numbers=NUMBERS[:2], call_purpose="Appointment reminders."
    ).data
    assert remediation.status == "pending"
    deadline = time.monotonic() + 10
    while remediation.status != "completed" and time.monotonic() < deadline:
        time.sleep(0.05)
        remediation = reputation.remediation.retrieve(
            remediation.id, enterprise_id=enterprise.id
        ).data
    assert remediation.status == "completed"
    assert remediation.results is not None
    buckets = remediation.results
    placed = sorted(
        buckets.remediated
        + buckets.not_flagged
        + buckets.requires_review
        + buckets.ineligible
        + buckets.refused
    )
    assert placed == sorted(NUMBERS[:2])

    # Disable: settings are gone.
    reputation.disable(enterprise.id)
    with pytest.raises(telnyx.NotFoundError):
        reputation.retrieve(enterprise.id)


def test_errors_reach_the_official_sdk_as_its_own_classes(emulator_url: str, api_key: str) -> None:
    client = telnyx.Telnyx(api_key=api_key, base_url=emulator_url, max_retries=0)
    anonymous = telnyx.Telnyx(
        api_key="unused",
        base_url=emulator_url,
        max_retries=0,
        default_headers={"Authorization": "Bearer"},
    )
    with pytest.raises(telnyx.AuthenticationError):
        anonymous.enterprises.list()
    enterprise = client.enterprises.create(**ENTERPRISE).data
    with pytest.raises(telnyx.PermissionDeniedError):
        client.enterprises.reputation.enable(enterprise.id, loa_document_id=enterprise.id)
    with pytest.raises(telnyx.UnprocessableEntityError):
        client.enterprises.create(**{**ENTERPRISE, "organization_type": "pirate"})
