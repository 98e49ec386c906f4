"""Documents: multipart upload."""

from __future__ import annotations

from conftest import Sdk


def test_upload_returns_the_document(sdk: Sdk) -> None:
    document = sdk.run(sdk.client.documents.upload("signed-loa.pdf", b"%PDF-1.7 signed"))
    assert document.id
    assert document.filename == "signed-loa.pdf"
    upload = [r for r in sdk.emulator.requests() if r["path"] == "/v2/documents"]
    assert upload[-1]["headers"]["content-type"].startswith("multipart/form-data")
