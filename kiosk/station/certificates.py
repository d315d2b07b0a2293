"""Printing a resident's certificate (电子证照) on A4 — only one whose platform signature checked out.

Why the check is made again at the counter and not only when the worker downloaded it: the
worker's copy may be days old, the platform may have revoked or reissued it, and the rule is
"print only after both checks out" (PLATFORM-API.md). So when the platform answers, the
certificate is downloaded afresh: `PlatformClient.certificate` refuses it unless its SHA-256 and
the platform's Ed25519 signature over that hash are both right; the verified copy replaces the
stored one. Offline, the stored copy is used: it was signature-checked when it was downloaded,
its hash was recorded then, and it is sealed with an authenticated cipher at rest — the printer
gets it only if its hash is still the recorded one.

Plain Python (no Qt): the staff screen and the resident's 查进度 screen call it from a worker
thread (it does network, disk and printer I/O). Every refusal and every print is audited; no
personal data goes into the audit detail (certificate ids name the platform's reference only).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sync.store import Store

log = logging.getLogger(__name__)

REFUSED_MESSAGE = ("证照签名校验没有通过，为防止假证照，本次没有打印。"
                   "请联系驿站工作人员，或拨打 12345 热线，由平台重新出具证照。")


class CertificateRefused(Exception):
    """Not printed; the message (Chinese) says why and what to do next."""


@dataclass(frozen=True)
class CertificatePrinted:
    certificate_id: str
    message: str            # for the screen, e.g. "证照已打印，请在 A4 打印机取走。"
    path: Path | None = None   # the PDF written, when the A4 "printer" is a folder


def a4_printer_from_config(config):  # noqa: ANN001, ANN201 - kiosk.station.config.Config → A4 printer
    from devices.printer.a4 import open_a4_printer  # Qt PDF, numpy: loaded when staff print

    """`devices.a4_printer`: "pdf" writes into data_dir/a4-prints (demo), else a CUPS queue name."""
    return open_a4_printer(config.get("devices", "a4_printer"), Path(config.data_dir) / "a4-prints")


class CertificateDesk:
    """`print(submission_id, certificate_id)`: verify, then print. Blocks; call off the GUI thread."""

    def __init__(self, store: Store, printer: Callable[[], object],
                 client: Callable[[str | None], object | None] | None = None) -> None:
        self._store = store
        self._printer = printer        # made when first needed: opening CUPS may take a while
        self._client = client          # client(platform_url): a fresh PlatformClient, or None
        self._a4 = None
        self.platform_url: str | None = None   # the demo's loopback platform (else the enrolled one)

    def print(self, submission_id: str, certificate_id: str, who: str = "resident") -> CertificatePrinted:
        from devices.printer.a4 import NotVerified, PrintError, print_certificate
        from sync.crypto import CryptoError
        from sync.store import StoreError

        fresh = self._download(submission_id, certificate_id, who)
        record = self._store.certificate_record(certificate_id)
        try:
            pdf = fresh if fresh is not None else self._store.certificate(certificate_id)
        except (CryptoError, StoreError):
            pdf = b"\0"     # unreadable at rest: the hash check below refuses it
        if pdf is None or record is None:
            raise CertificateRefused("这份证照还没有下载到本机。请稍后再试（联网后会自动下载），"
                                     "或请工作人员帮忙。")
        expected = record["sha256"]

        def verify(document: bytes) -> bool:
            return hashlib.sha256(document).hexdigest() == expected

        if self._a4 is None:
            self._a4 = self._printer()
        try:
            job = print_certificate(pdf, verify, self._a4, title=f"证照-{certificate_id}")
        except NotVerified:
            self._refused(certificate_id, "stored_copy_hash", who)
            raise CertificateRefused(REFUSED_MESSAGE) from None
        except PrintError as exc:
            self._store.audit("certificate_print_failed", {"certificate_id": certificate_id, "by": who})
            raise CertificateRefused(f"{exc}。请工作人员检查 A4 打印机后再试。") from None
        outcome = self._a4.follow(job, timeout_s=60.0)
        if not outcome.done:
            self._store.audit("certificate_print_failed", {"certificate_id": certificate_id, "by": who})
            raise CertificateRefused(f"证照没有打印成功：{outcome.message}。请工作人员检查 A4 打印机后再试。")
        self._store.audit("certificate_printed", {"certificate_id": certificate_id, "by": who,
                                                  "printer": getattr(self._a4, "name", "")})
        return CertificatePrinted(certificate_id, "证照已打印，请在 A4 打印机出纸口取走。", job.path)

    def _download(self, submission_id: str, certificate_id: str, who: str) -> bytes | None:
        from sync.client import DocumentRefused, Offline, StationRefused, Terminal, Transient
        from sync.enrollment import platform_key

        """A freshly verified copy from the platform (and stored), or None when it cannot answer."""
        client = self._client(self.platform_url) if self._client is not None else None
        key = platform_key(self._store)
        if client is None or key is None:
            return None
        try:
            pdf = client.certificate(certificate_id, key)
        except DocumentRefused:
            self._refused(certificate_id, "platform_signature", who)
            raise CertificateRefused(REFUSED_MESSAGE) from None
        except (Transient, Offline, StationRefused, Terminal) as exc:
            log.info("certificate not re-downloaded (%s): printing the stored, verified copy",
                     type(exc).__name__)
            return None
        finally:
            close = getattr(client, "close", None)
            if close is not None:
                close()
        self._store.save_certificate(certificate_id, submission_id, pdf)
        return pdf

    def _refused(self, certificate_id: str, check: str, who: str) -> None:
        log.warning("certificate %s refused at print time (%s)", certificate_id, check)
        self._store.audit("certificate_print_refused", {"certificate_id": certificate_id, "check": check,
                                                        "by": who})
