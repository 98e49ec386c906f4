"""Documents: multipart and base64 JSON uploads."""

from __future__ import annotations

from conftest import Sdk


def test_upload_returns_the_document(sdk: Sdk) -> None:
    document = sdk.run(sdk.client.documents.upload("signed-loa.pdf", b"%PDF-1.7 signed"))
    assert document.id
    assert document.filename == "signed-loa.pdf"
    upload = [r for r in sdk.emulator.requests() if r["path"] == "/v2/documents"]
    assert upload[-1]["headers"]["content-type"].startswith("multipart/form-data")


def test_upload_json_sends_base64_on_the_official_sdk_route(sdk: Sdk) -> None:
    document = sdk.run(sdk.client.documents.upload_json("signed-loa.pdf", b"%PDF-1.7 signed"))
    assert document.filename == "signed-loa.pdf"
    upload = [r for r in sdk.emulator.requests() if r["path"] == "/v2/documents"][-1]
    assert upload["query"] == "content-type=multipart"
    assert upload["headers"]["content-type"] == "application/json"
    assert '"file":"JVBERi0xLjcgc2lnbmVk"' in upload["body"]
