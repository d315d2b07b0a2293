"""Certificates from the platform are printed only when their signature checks out.

The check itself belongs to sync/ (Ed25519 over the PDF bytes, per the platform contract); this
module takes it as a function so devices/ never imports sync/. The very bytes that were verified
are the bytes sent to the printer (a private copy is taken first), and any exception inside the
check counts as "not verified": a tampered or truncated download never reaches paper.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from devices.printer.a4.types import NotVerified, PrintError, PrintJob


class A4Printer(Protocol):
    name: str

    def submit(self, pdf: bytes, title: str) -> PrintJob: ...


def print_certificate(pdf: bytes | bytearray | memoryview, verify: Callable[[bytes], bool],
                      printer: A4Printer, title: str = "电子证照") -> PrintJob:
    """Verify, then print. Raises NotVerified (nothing printed) when the signature is not good."""
    document = bytes(pdf)
    if not document.startswith(b"%PDF-"):
        raise NotVerified("证照文件不是有效的 PDF，不能打印，请重新下载")
    try:
        verified = verify(document) is True
    except Exception:  # a check that crashes has not verified anything
        verified = False
    if not verified:
        raise NotVerified("证照签名校验未通过，不能打印。请联系工作人员重新下载证照")
    try:
        return printer.submit(document, title)
    except PrintError:
        raise
    except OSError as exc:
        raise PrintError(f"打印失败：{exc}") from exc
