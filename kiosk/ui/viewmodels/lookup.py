"""查进度 / 打印结果: one person's applications, their status in words, 再打印凭条 and 打印证照.

The same screen serves a returning resident (identified by card or by hand) and staff looking a
resident up from the staff screen (`forStaff`: 返回 leads back to the staff screen, and the audit
says staff printed). Statuses come from the local store: the outbox state until the platform has
answered, then the latest pulled status. The store, the printers and the network are only touched
on worker threads (kiosk.ui.background); this view-model only shows what they answered.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Property, QObject, Signal, Slot

from kiosk.ui.background import Background
from sync.states import FAILED, PENDING_STATES, mask_id, mask_name

if TYPE_CHECKING:
    from sync.store import Store

log = logging.getLogger(__name__)

# What a resident reads for each state: plain words, and what happens next.
STATUS_WORDS = {
    "queued": "已保存在本机，联网后自动发送到平台",
    "sending": "正在发送到平台",
    "delivered": "平台已收到，等待受理",
    "received": "平台已收到，等待受理",
    "accepted": "已受理，正在办理",
    "need_materials": "需要补交材料",
    "rejected": "不予受理",
    "approved": "已批准，等待办结",
    "completed": "已办结",
    FAILED: "发送遇到问题，工作人员会处理",
}


def status_words(state: str, statuses: list[dict]) -> tuple[str, str]:
    """(the state's words, the platform's own message or the materials asked for)."""
    latest = statuses[-1] if statuses else None
    if latest is not None and state not in PENDING_STATES and state != FAILED:
        state = latest["status"]
    words = STATUS_WORDS.get(state, state)
    detail = ""
    if latest is not None:
        if state == "need_materials" and latest.get("required_materials"):
            detail = "请补交：" + "、".join(str(m) for m in latest["required_materials"])
        elif latest.get("message"):
            detail = str(latest["message"])
    return words, detail


def stored_receipt(store: Store, catalogue, submission_id: str, station_name: str,  # noqa: ANN001
                   hotline: str, now: dt.datetime | None = None):  # noqa: ANN201 - devices.printer.receipt.Receipt
    """The receipt of a stored application, printed again (补打): the facts its first receipt
    stated (saved with it), the platform's reference and the status as they are now."""
    from kiosk.station import receipts

    info = store.find(submission_id)
    if info is None:
        raise LookupError(submission_id)
    saved = store.receipt_record(submission_id)
    if saved is None:          # saved before receipts' facts were kept: rebuilt from the request
        row = next(r for r in store.outbox_rows(masked=False) if r.ref_id == submission_id)
        try:
            body = json.loads(store.request_body(row) or b"{}")
        except Exception:  # noqa: BLE001 - removed under the retention rule (an empty body)
            body = {}
        if not body:
            raise ReprintRefused(PURGED)
        saved = receipts.record_from_body(body, catalogue,
                                          dt.datetime.fromtimestamp(info.created_at).astimezone())
    words, _ = status_words(info.state, info.statuses)
    return receipts.build(saved, reference=info.local_reference, station_name=station_name, hotline=hotline,
                          platform_reference=info.platform_reference or "", status=words,
                          reprinted_at=now or dt.datetime.now().astimezone())


PURGED = "这件申请的个人信息已按规定从本机删除，不能补打凭条。可凭受理编号拨打 12345 查询。"


class ReprintRefused(Exception):
    """Why a receipt cannot be printed again (Chinese, for the resident)."""


class LookupViewModel(QObject):
    changed = Signal()

    def __init__(self, store: Store | None, catalogue: Callable[[], object], *,
                 print_receipt: Callable[[object], object], certificates, station_name: str,  # noqa: ANN001
                 hotline: str, say: Callable[[str], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._catalogue = catalogue
        self._print_receipt = print_receipt
        self._desk = certificates          # kiosk.station.certificates.CertificateDesk or None
        self._station = station_name
        self._hotline = hotline
        self._say = say
        self._background = Background(self)
        self._generation = 0
        self._reset()

    def _reset(self) -> None:
        self._items: list[dict] = []
        self._who = ""
        self._state = "idle"          # idle | loading | shown | failed
        self._message = ""
        self._message_kind = ""       # ok | error | busy
        self._printed_again = 0
        self._last_ok = ""
        self._for_staff = False
        self._id_number = ""          # to read the list again when a certificate turned out void
        self._reference = ""          # … or the reference it was found by (the receipt's QR code)

    items = Property(list, lambda self: self._items, notify=changed)
    who = Property(str, lambda self: self._who, notify=changed)
    state = Property(str, lambda self: self._state, notify=changed)
    message = Property(str, lambda self: self._message, notify=changed)
    messageKind = Property(str, lambda self: self._message_kind, notify=changed)
    forStaff = Property(bool, lambda self: self._for_staff, notify=changed)
    busy = Property(bool, lambda self: self._message_kind == "busy", notify=changed)

    def wait(self) -> None:
        self._background.wait()

    # --- loading -----------------------------------------------------------------------------
    def load(self, id_number: str, name: str = "", for_staff: bool = False) -> None:
        """Show this person's applications (read on a worker thread)."""
        self._generation += 1
        generation = self._generation
        self._reset()
        self._for_staff = for_staff
        self._id_number = id_number
        self._who = mask_name(name) if name else mask_id(id_number)
        self._state = "loading"
        self.changed.emit()
        self._read_list(generation)

    def load_reference(self, reference: str) -> None:
        """Show the one application a reference names — the temporary one on the receipt (any
        form, the legacy one too) or the platform's — as when the receipt's QR code is scanned."""
        self._generation += 1
        generation = self._generation
        self._reset()
        self._reference = reference.strip()
        self._who = f"受理编号 {self._reference}"
        self._state = "loading"
        self.changed.emit()
        self._read_list(generation)

    def _read_list(self, generation: int, say: bool = True) -> None:
        if self._store is None:
            self._loaded(generation, None, RuntimeError("本机没有接上数据存储"))
            return
        store, catalogue, id_number, staff = self._store, self._catalogue, self._id_number, self._for_staff
        reference = self._reference
        if reference:
            self._background.run(lambda: _read(store, catalogue, None, staff, reference),
                                 lambda result, error: self._loaded(generation, result, error, say),
                                 "kiosk-lookup")
            return
        self._background.run(lambda: _read(store, catalogue, id_number, staff),
                             lambda result, error: self._loaded(generation, result, error, say),
                             "kiosk-lookup")

    def _loaded(self, generation: int, result, error, say: bool = True) -> None:  # noqa: ANN001
        if generation != self._generation:
            return          # wiped or replaced meanwhile
        if error is not None:
            log.error("lookup failed: %s", type(error).__name__)
            self._state = "failed"
            self._message = "暂时查不到办件记录。请稍后再试，或请工作人员帮忙。"
            self._message_kind = "error"
        else:
            self._items = result
            self._state = "shown"
        self.changed.emit()
        if self._state == "shown" and say:
            self._say(f"找到 {len(result)} 件申请。" if result else "本机没有查到您的申请记录。")

    # --- actions -----------------------------------------------------------------------------
    @Slot(str)
    def reprintReceipt(self, submission_id: str) -> None:
        if self._message_kind == "busy" or self._store is None:
            return
        self._busy("凭条正在打印……")
        store, catalogue = self._store, self._catalogue
        station, hotline, printer = self._station, self._hotline, self._print_receipt

        def work():  # noqa: ANN202
            receipt = stored_receipt(store, catalogue(), submission_id, station, hotline)
            result = printer(receipt)
            store.audit("receipt_reprinted", {"id": submission_id, "by": "staff" if self._for_staff
                                              else "resident"})
            return result

        self._background.run(work, self._receipt_printed, "kiosk-reprint")

    def _receipt_printed(self, result, error) -> None:  # noqa: ANN001
        from devices.printer.receipt_printer import Printed

        if isinstance(error, ReprintRefused):
            self._done("error", str(error))
        elif error is None and isinstance(result, Printed):
            self._done("ok", "凭条已打印，请从出纸口取走。")
        else:
            reason = result.status.message if result is not None and hasattr(result, "status") else ""
            self._done("error", "凭条没有打印出来" + (f"（{reason}）" if reason else "")
                       + "。请稍后再试，或请工作人员帮忙。")

    @Slot(str, str)
    def printCertificate(self, submission_id: str, certificate_id: str) -> None:
        if self._message_kind == "busy":
            return
        if self._desk is None:
            self._done("error", "本机没有接上 A4 打印机，不能打印证照。请工作人员帮忙。")
            return
        self._busy("正在校验并打印证照……")
        desk, who = self._desk, "staff" if self._for_staff else "resident"
        self._background.run(lambda: desk.print(submission_id, certificate_id, who),
                             self._certificate_printed, "kiosk-certificate")

    def _certificate_printed(self, result, error) -> None:  # noqa: ANN001
        from kiosk.station.certificates import CertificateRefused

        if error is None:
            self._done("ok", result.message)
        elif isinstance(error, CertificateRefused):
            self._done("error", str(error))
            if error.no_longer_valid:       # the list must stop offering it: read it again
                self._read_list(self._generation, say=False)
        else:
            log.error("certificate printing failed: %s", type(error).__name__)
            self._done("error", "证照没有打印出来。请稍后再试，或请工作人员帮忙。")

    def _busy(self, message: str) -> None:
        self._message, self._message_kind = message, "busy"
        self.changed.emit()

    def _done(self, kind: str, message: str) -> None:
        if kind == "ok":        # the same paper printed again: say so, not the very same line
            self._printed_again = self._printed_again + 1 if message == self._last_ok else 0
            self._last_ok = message
            if self._printed_again:
                message = message.replace("已打印", f"已打印（第 {self._printed_again + 1} 次）", 1)
        self._message, self._message_kind = message, kind
        self.changed.emit()
        self._say(message)

    def wipe(self) -> None:
        self._generation += 1
        self._reset()
        self.changed.emit()


def _read(store: Store, catalogue: Callable[[], object], id_number: str | None,
          for_staff: bool = False, reference: str = "") -> list[dict]:
    """The rows the screen lists, newest first (worker thread): the person's (`id_number`), or the
    one application `reference` names (either reference, `Store.find`). 打印证照 is offered only
    for a certificate that `kiosk.station.certificates.verdict` would print as far as the kiosk
    knows; otherwise `certificateNote` says why in plain words (for staff, with each
    certificate's state)."""
    from kiosk.station.certificates import last_known, verdict

    names = {}
    try:
        names = {b.id: b.name for b in catalogue().bundles}
    except Exception:  # noqa: BLE001 - without the catalogue the bundle id is shown
        log.warning("catalogue not available for the lookup")
    out = []
    found = store.find(reference) if reference else None
    for info in ([found] if found else []) if reference else store.submissions_for(id_number or ""):
        words, detail = status_words(info.state, info.statuses)
        certificates = []
        for status in info.statuses:
            for cid in status.get("certificate_ids") or []:
                if cid not in certificates:
                    certificates.append(cid)
        printable, note = "", ""
        if certificates:
            judged = verdict(last_known(store, info.submission_id, certificates[-1]))
            printable = certificates[-1] if judged.printable else ""
            note = judged.why
            if for_staff:
                states = []
                for cid in certificates:
                    known = last_known(store, info.submission_id, cid)
                    reason = f"（{known.reason}）" if known.reason and known.status != "valid" else ""
                    states.append(f"证照 {cid}：{verdict(known).label}{reason}")
                note = "；".join(states) + (f"。{judged.why}" if judged.why else "")
        date = dt.datetime.fromtimestamp(info.created_at).strftime("%Y年%-m月%-d日")
        # one line per reference, so none is ever broken at its dashes (it is read aloud)
        references = f"{date} · 临时受理编号 {info.local_reference}"
        if info.platform_reference:
            references = (f"{date} · 平台受理编号 {info.platform_reference}\n"
                          f"凭条上的临时编号 {info.local_reference}")
        out.append({
            "submissionId": info.submission_id,
            "reference": info.platform_reference or info.local_reference,
            "localReference": info.local_reference,
            "platformReference": info.platform_reference or "",
            "referenceText": references,
            "bundleName": names.get(info.bundle_id, info.bundle_id),
            "status": words,
            "detail": detail,
            "date": date,
            "certificateId": printable,
            "certificateNote": note,
        })
    return out
