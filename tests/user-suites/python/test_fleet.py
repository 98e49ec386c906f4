"""Each test onboards its own enterprise on its own account and checks it sees only that."""

import pytest

from telnyx_reputation import Client
from telnyx_reputation.models import BillingContact, OrganizationContact, PhysicalAddress
from telnyx_reputation.testing import Emulator

ADDRESS = PhysicalAddress(
    street_address="100 Main St",
    city="Chicago",
    administrative_area="IL",
    postal_code="60601",
    country="US",
)


def onboard(client: Client, legal_name: str) -> str:
    client.terms_of_service.agree_number_reputation()
    enterprise = client.enterprises.create(
        legal_name=legal_name,
        doing_business_as=legal_name,
        organization_type="commercial",
        organization_legal_type="llc",
        country_code="US",
        jurisdiction_of_incorporation="Delaware",
        website="https://acmeplumbing.example.com",
        fein="12-3456789",
        industry="technology",
        number_of_employees="51-200",
        organization_contact=OrganizationContact(
            first_name="Sam",
            last_name="Owner",
            email="sam@acmeplumbing.example.com",
            job_title="Compliance Lead",
            phone_number="+13125550000",
        ),
        billing_contact=BillingContact(
            first_name="Alex",
            last_name="Bill",
            email="billing@acmeplumbing.example.com",
            phone_number="+13125550001",
        ),
        organization_physical_address=ADDRESS,
        billing_address=ADDRESS,
    )
    rep = client.reputation(enterprise.id)
    document = client.documents.upload("signed-loa.pdf", rep.loa.render())
    rep.enable(document.id, "business_daily")
    rep.wait_until_approved(interval=0.05, timeout=30)
    return enterprise.id


@pytest.mark.parametrize("n", range(12))
def test_each_test_has_its_own_fleet(n: int, client: Client, emulator: Emulator) -> None:
    enterprise_id = onboard(client, f"Fleet {n} LLC")
    numbers = [f"+1202555{n:02d}{i:02d}" for i in range(5)]
    rep = client.reputation(enterprise_id)
    rep.numbers.add(numbers)
    rep.numbers.refresh(numbers)
    listed = sorted(number.phone_number for number in rep.numbers.list(page_size=250))
    assert listed == numbers
    # Another test's enterprises never show up on this account.
    assert [e.id for e in client.enterprises.list()] == [enterprise_id]
    # The emulator billed this account for exactly what this test did.
    assert emulator.ledger()["numbers_added"] == 5
