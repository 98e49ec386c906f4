"""The Number Reputation quickstart with the blocking client.

Run against the local emulator (no credentials, nothing billed):

    telnyx-reputation-emulator --port 4010 --approval-delay 0s &
    TELNYX_API_KEY=KEY_demo TELNYX_BASE_URL=http://127.0.0.1:4010/v2 python quickstart.py
"""

from telnyx_reputation import Client
from telnyx_reputation.models import BillingContact, OrganizationContact, PhysicalAddress

ADDRESS = PhysicalAddress(
    street_address="100 Main St",
    city="Chicago",
    administrative_area="IL",
    postal_code="60601",
    country="US",
)


def main() -> None:
    client = Client()
    client.terms_of_service.agree_number_reputation()
    enterprise = client.enterprises.create(
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
    pdf = rep.loa.render()  # sign it, then upload the signed copy
    document = client.documents.upload("signed-loa.pdf", pdf)
    rep.enable(document.id, "business_daily")
    rep.wait_until_approved(interval=0.5, timeout=60)
    numbers = ["+12025551234", "+12025555678"]
    rep.numbers.add(numbers)  # billed per number; added numbers have no reputation data yet
    rep.numbers.refresh(numbers)  # billed per number: a check of each, collected now
    for number in rep.numbers.list(page_size=250):  # cached reads are free
        data = number.reputation_data
        print(number.phone_number, data.spam_risk if data else "no data yet")


if __name__ == "__main__":
    main()
