"""The certificate is a real PDF with a Chinese A4 page: a PDF engine (Qt's PDFium) opens it, the
page is A4, and its verification QR code reads back the certificate's number."""

from __future__ import annotations

import os
from datetime import date

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before pytest-qt makes its application

from sync.platform.pdf import CertificateFacts, certificate_pdf

FACTS = CertificateFacts(title="高龄津贴一件事办理结果通知书", holder="王喆", id_number="11010519491231002X",
                         matter="高龄津贴一件事", items=("高龄津贴申领",), reference="SQ20261128000001",
                         issuer="县民政局", issued_on=date(2026, 11, 28),
                         certificate_id="CERT-SQ20261128000001-1")


def test_the_certificate_is_a_chinese_a4_page_whose_qr_code_reads_back(tmp_path, qapp):  # qapp: pytest-qt's
    qtpdf = pytest.importorskip("PySide6.QtPdf")
    import numpy as np
    from PySide6.QtCore import QSize

    from devices.scanner import EnsembleDecoder

    path = tmp_path / "c.pdf"
    path.write_bytes(certificate_pdf(FACTS))
    doc = qtpdf.QPdfDocument()
    assert doc.load(str(path)) == qtpdf.QPdfDocument.Error.None_
    assert doc.pageCount() == 1
    size = doc.pagePointSize(0)
    assert abs(size.width() - 595.3) < 1 and abs(size.height() - 841.9) < 1      # A4
    image = doc.render(0, QSize(1240, 1754)).convertToFormat(QImage_Format())
    gray = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    texts = {s.text for s in EnsembleDecoder().decode(np.ascontiguousarray(gray[:, :image.width()]))}
    assert texts == {"LNCERT:CERT-SQ20261128000001-1"}
    doc.close()


def QImage_Format():  # noqa: N802 - the grey format the decoder reads
    from PySide6.QtGui import QImage

    return QImage.Format.Format_Grayscale8
