"""The Letter of Authorization: render the PDF, replace the signed document."""

from __future__ import annotations

from conftest import Sdk
from telnyx_reputation.models import LoaSignature


def test_render_returns_pdf_bytes(sdk: Sdk) -> None:
    loa = sdk.client.reputation(sdk.enterprise()).loa
    pdf = sdk.run(loa.render())
    assert isinstance(pdf, bytes)
    assert pdf.startswith(b"%PDF-")
    agent = {
        "legal_name": "Reseller Inc",
        "street_address": "1 Partner Way",
        "city": "Austin",
        "administrative_area": "TX",
        "postal_code": "73301",
        "country": "US",
        "contact_name": "Pat Partner",
        "contact_title": "CEO",
        "contact_email": "pat@reseller.example.com",
        "contact_phone": "+15125550100",
    }
    with_agent = sdk.run(loa.render(agent=agent))
    assert b"Reseller Inc" in with_agent or len(with_agent) != len(pdf)


def test_render_with_signature_model(sdk: Sdk) -> None:
    loa = sdk.client.reputation(sdk.enterprise()).loa
    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    signed = sdk.run(loa.render(signature=LoaSignature(image_base64=png, signer_name="Sam Owner")))
    assert signed.startswith(b"%PDF-")


def test_replace_a_rejected_loa_restarts_review(sdk: Sdk) -> None:
    enterprise_id = sdk.approved_enterprise()
    sdk.emulator.set_gates(enterprise_id, loa_status="rejected")
    loa = sdk.client.reputation(enterprise_id).loa
    new_document = sdk.loa_document()
    settings = sdk.run(loa.replace(new_document))
    assert settings.loa_document_id == new_document
    assert settings.loa_status == "pending"
