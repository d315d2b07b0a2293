"""Printing a resident's certificate (电子证照) on A4 — only a valid one, of an application the
platform still approves, whose platform signature checked out.

Why the checks are made again at the counter and not only when the worker downloaded it: the
worker's copy may be days old, and since then the platform may have refused the application
(不予受理), or revoked, superseded or withdrawn the certificate; a government terminal's paper is
taken as evidence, so it must not print a certificate that is no longer true. So at print time:

1. When the platform answers, it is asked (contract 1.1, GET /certificates/{id}/status) for the
   certificate's validity and its application's current status; the answer is kept in the store.
   Offline (or a platform without that question), the last state pulled or checked is used, and
   the screen says which.
2. `verdict` — the one rule, also used by 查进度 to decide whether to offer 打印证照 at all — prints
   only a `valid` certificate of an application that is `approved` or `completed`; anything else
   is refused with one plain sentence saying why and what to do.
3. When the platform answers, the certificate is downloaded afresh: `PlatformClient.certificate`
   refuses it unless its SHA-256 and the platform's Ed25519 signature over that hash are both
   right; the verified copy replaces the stored one. Offline, the stored copy is used: it was
   signature-checked when it was downloaded, its hash was recorded then, and it is sealed with an
   authenticated cipher at rest — the printer gets it only if its hash is still the recorded one.

Plain Python (no Qt): the staff screen and the resident's 查进度 screen call it from a worker
thread (it does network, disk and printer I/O). Every refusal and every print is audited; no
personal data goes into the audit detail (certificate ids name the platform's reference only).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sync.states import CERTIFICATE_STATES

if TYPE_CHECKING:
    from sync.store import Store

log = logging.getLogger(__name__)

REFUSED_MESSAGE = ("证照签名校验没有通过，为防止假证照，本次没有打印。"
                   "请联系驿站工作人员，或拨打 12345 热线，由平台重新出具证照。")
# The application statuses under which its certificate stands (准予 / 办结).
PRINTABLE_APPLICATION = ("approved", "completed")
# What staff read next to a certificate, by its validity.
STATE_LABELS = {"valid": "有效", "revoked": "已撤销", "superseded": "已被新证照取代",
                "withdrawn": "已收回（申请不予受理）", "unknown": "平台查无此证照"}


class CertificateRefused(Exception):
    """Not printed; the message (Chinese) says why and what to do next. `no_longer_valid`: the
    certificate or its application changed since the list was read (查进度 reads it again)."""

    def __init__(self, message: str, no_longer_valid: bool = False) -> None:
        super().__init__(message)
        self.no_longer_valid = no_longer_valid


@dataclass(frozen=True)
class CertificatePrinted:
    certificate_id: str
    message: str            # for the screen, e.g. "证照已打印，请在 A4 打印机取走。"
    path: Path | None = None   # the PDF written, when the A4 "printer" is a folder


@dataclass(frozen=True)
class Known:
    """What the kiosk knows of a certificate and its application: `application_status` (None
    before the platform said anything), the certificate's `status` ("valid" unless the platform
    said otherwise), the platform's `reason`, and `as_of` (epoch seconds it was learnt, or None)."""

    application_status: str | None
    status: str = "valid"
    reason: str = ""
    as_of: float | None = None


@dataclass(frozen=True)
class Verdict:
    printable: bool
    why: str = ""           # one plain sentence for the resident (empty when printable)
    label: str = "有效"      # the certificate's state in two or three words, for staff


def verdict(known: Known) -> Verdict:
    """The one rule: a certificate prints only while it is valid and its application approved or
    completed. The certificate's own state is said first (it is the more specific reason)."""
    label = STATE_LABELS.get(known.status, known.status)
    reason = f"（原因：{known.reason}）" if known.reason else ""
    if known.status == "revoked":
        return Verdict(False, f"这份证照已被发证部门撤销{reason}，不能打印，如有疑问请问驿站工作人员。",
                       label)
    if known.status == "withdrawn" or known.application_status == "rejected":
        return Verdict(False, "这件申请平台已不予受理，之前出具的证照已作废、不能打印，"
                              "如有疑问请问驿站工作人员。", STATE_LABELS["withdrawn"])
    if known.status == "superseded":
        return Verdict(False, "这份证照已被新出具的证照取代，旧的不能打印，请打印列表中最新的证照。", label)
    if known.status == "unknown":
        return Verdict(False, "平台查不到这份证照，不能打印，请问驿站工作人员。", label)
    if known.status != "valid":
        return Verdict(False, "这份证照在平台上已不是有效状态，不能打印，请问驿站工作人员。", label)
    if known.application_status not in PRINTABLE_APPLICATION:
        return Verdict(False, "这件申请还没有批准，证照现在不能打印，请办结后再来打印。", "申请未批准")
    return Verdict(True, "", label)


def last_known(store: Store, submission_id: str, certificate_id: str) -> Known:
    """What the last status pull or print-time check said (no network): the newer of the latest
    pulled application status and the one a print-time check heard."""
    info = store.find(submission_id)
    latest = info.statuses[-1] if info is not None and info.statuses else None
    application = latest["status"] if latest else None
    as_of = latest.get("pulled_at") if latest else None
    state = store.certificate_state(certificate_id)
    if state is None:
        return Known(application, as_of=as_of)
    if state.get("application_status") and (as_of is None or state["learnt_at"] >= as_of):
        application = state["application_status"]
    as_of = max(as_of or 0.0, state["learnt_at"] or 0.0) or None
    return Known(application, state["status"], state.get("reason") or "", as_of)


def _when(epoch: float | None) -> str:
    from forms.workdays import chinese_date

    if epoch is None:
        return "本机还没有收到省平台的消息"
    moment = dt.datetime.fromtimestamp(epoch).astimezone()
    return f"按本机 {chinese_date(moment.date())} {moment:%H:%M} 从省平台收到的消息"


def a4_printer_from_config(config):  # noqa: ANN001, ANN201 - kiosk.station.config.Config → A4 printer
    from devices.printer.a4 import open_a4_printer  # Qt PDF, numpy: loaded when staff print

    """`devices.a4_printer`: "pdf" writes into data_dir/a4-prints (demo), else a CUPS queue name."""
    return open_a4_printer(config.get("devices", "a4_printer"), Path(config.data_dir) / "a4-prints")


class CertificateDesk:
    """`print(submission_id, certificate_id)`: check, verify, then print. Blocks; call off the GUI
    thread."""

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

        client = self._client(self.platform_url) if self._client is not None else None
        try:
            checked = self._check(client, submission_id, certificate_id, who)
            online = checked == "checked"
            known = last_known(self._store, submission_id, certificate_id)
            judged = verdict(known)
            source = "刚和省平台核对过，证照有效" if online else _when(known.as_of)
            if not judged.printable:
                self._refused(certificate_id, f"no_longer_valid:{known.status}:{known.application_status}",
                              who, online)
                raise CertificateRefused(judged.why if online else f"{judged.why[:-1]}（{source}）。",
                                         no_longer_valid=True)
            fresh = None if checked == "unreachable" else self._download(client, submission_id,
                                                                         certificate_id, who)
        finally:
            close = getattr(client, "close", None)
            if close is not None:
                close()
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
            self._refused(certificate_id, "stored_copy_hash", who, online)
            raise CertificateRefused(REFUSED_MESSAGE) from None
        except PrintError as exc:
            self._store.audit("certificate_print_failed", {"certificate_id": certificate_id, "by": who})
            raise CertificateRefused(f"{exc}。请工作人员检查 A4 打印机后再试。") from None
        outcome = self._a4.follow(job, timeout_s=60.0)
        if not outcome.done:
            self._store.audit("certificate_print_failed", {"certificate_id": certificate_id, "by": who})
            raise CertificateRefused(f"证照没有打印成功：{outcome.message}。请工作人员检查 A4 打印机后再试。")
        self._store.audit("certificate_printed", {"certificate_id": certificate_id, "by": who,
                                                  "printer": getattr(self._a4, "name", ""),
                                                  "checked_online": online})
        return CertificatePrinted(certificate_id, f"证照已打印，请在 A4 打印机出纸口取走（{source}）。",
                                  job.path)

    def _check(self, client: Any, submission_id: str, certificate_id: str, who: str) -> str:
        """Ask the platform (contract 1.1) and keep its answer: "checked"; "unsupported" when it
        answers but does not offer the question (a contract-1 platform); "unreachable". In the
        last two cases the last known state decides."""
        from sync.client import Offline, StationRefused, Terminal, Transient

        if client is None:
            return "unreachable"
        try:
            answer = client.certificate_status(certificate_id)
        except (Transient, Offline, StationRefused, Terminal) as exc:
            log.info("certificate status not checked online (%s): the last known state decides",
                     type(exc).__name__)
            return "unreachable"
        if answer is None:
            return "unsupported"
        state = str(answer.get("status"))
        if state not in CERTIFICATE_STATES:     # unknown to it, or a state this kiosk cannot read
            self._refused(certificate_id, f"platform_state:{state[:20]}", who, True)
            raise CertificateRefused(verdict(Known(None, state)).why, no_longer_valid=True)
        self._store.note_certificate_check(submission_id, answer)
        return "checked"

    def _download(self, client: Any, submission_id: str, certificate_id: str, who: str) -> bytes | None:
        """A freshly verified copy from the platform (and stored), or None when it cannot answer."""
        from sync.client import DocumentRefused, Offline, StationRefused, Terminal, Transient
        from sync.enrollment import platform_key

        key = platform_key(self._store)
        if client is None or key is None:
            return None
        try:
            pdf = client.certificate(certificate_id, key)
        except DocumentRefused:
            self._refused(certificate_id, "platform_signature", who, True)
            raise CertificateRefused(REFUSED_MESSAGE) from None
        except (Transient, Offline, StationRefused, Terminal) as exc:
            log.info("certificate not re-downloaded (%s): printing the stored, verified copy",
                     type(exc).__name__)
            return None
        self._store.save_certificate(certificate_id, submission_id, pdf)
        return pdf

    def _refused(self, certificate_id: str, check: str, who: str, online: bool) -> None:
        log.warning("certificate %s refused at print time (%s)", certificate_id, check)
        self._store.audit("certificate_print_refused", {"certificate_id": certificate_id, "check": check,
                                                        "by": who, "checked_online": online})
