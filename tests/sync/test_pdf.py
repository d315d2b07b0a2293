"""The certificate PDF is a real PDF: a PDF engine (Qt's PDFium) opens it and reads its text."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before pytest-qt makes its application

from sync.platform.pdf import certificate_pdf


def test_certificate_pdf_opens_in_a_pdf_engine(tmp_path, qapp):  # qapp: pytest-qt's shared application
    qtpdf = pytest.importorskip("PySide6.QtPdf")
    path = tmp_path / "c.pdf"
    path.write_bytes(certificate_pdf(["Platform reference: SQ20261128000001", "Local reference: P47Y-NMJC"]))
    doc = qtpdf.QPdfDocument()
    assert doc.load(str(path)) == qtpdf.QPdfDocument.Error.None_
    assert doc.pageCount() == 1
    text = doc.getAllText(0).text()
    assert "SQ20261128000001" in text and "P47Y-NMJC" in text
    doc.close()
