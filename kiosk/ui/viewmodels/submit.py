"""Saving the application durably, then the receipt: printed, and shown as a QR code.

Why the order matters: the screen says "已保存" only after the store's commit has returned
(synchronous=FULL), so a power cut after that moment loses nothing. The receipt prints after the
save; a printer out of paper never loses the application — the reference stays on the screen.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import logging
from collections.abc import Callable

from PySide6.QtCore import Property, QObject, Signal, Slot

from forms.workdays import chinese_date
from kiosk.station import receipts
from kiosk.ui.background import Background
from kiosk.ui.journey import Journey

log = logging.getLogger(__name__)


def spoken_reference(reference: str) -> str:
    """'NH7K-3Q2X' → 'N H 7 K，3 Q 2 X': read one character at a time, a pause at each dash."""
    return "，".join(" ".join(part) for part in reference.split("-"))


def qr_data_url(text: str) -> str:
    import segno

    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=10, border=2)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


class SubmitViewModel(QObject):
    changed = Signal()

    def __init__(self, journey: Journey, *,
                 submit: Callable[[dict, bytes | None, dict], tuple[str, str]] | None,
                 print_receipt: Callable[[object], object] | None, station_name: str, hotline: str,
                 forward: Callable[[], None], say: Callable[[str], None], on_submitted: Callable[[], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._journey = journey
        self._submit = submit
        self._print = print_receipt
        self._station = station_name
        self._hotline = hotline
        self._forward = forward
        self._say = say
        self._on_submitted = on_submitted
        self._background = Background(self)
        self._receipt = None
        # what the next screen adds to the saving's sentence (the 立等可取 wait: viewmodels/instant.py)
        self.then_say: Callable[[], str] = lambda: ""
        self._reset()

    def _reset(self) -> None:
        self._state = "idle"            # idle | saving | saved | failed
        self._reference = ""
        self._submission_id = ""
        self._print_state = ""          # printing | printed | not_printed
        self._print_message = ""
        self._receipts_printed = 0
        self._items: list[dict] = []
        self._owed: list[dict] = []
        self._elsewhere: list[dict] = []     # 通办: items not taken here, where to go
        self._bundle_name = ""
        self._qr = ""
        self._item_codes: list[str] = []
        self._error = ""
        self._error_action = ""

    # --- properties --------------------------------------------------------------------------
    state = Property(str, lambda self: self._state, notify=changed)
    reference = Property(str, lambda self: self._reference, notify=changed)
    printState = Property(str, lambda self: self._print_state, notify=changed)
    printMessage = Property(str, lambda self: self._print_message, notify=changed)
    items = Property("QVariantList", lambda self: self._items, notify=changed)
    owed = Property("QVariantList", lambda self: self._owed, notify=changed)
    elsewhere = Property("QVariantList", lambda self: self._elsewhere, notify=changed)
    bundleName = Property(str, lambda self: self._bundle_name, notify=changed)
    qrImage = Property(str, lambda self: self._qr, notify=changed)
    error = Property(str, lambda self: self._error, notify=changed)
    errorAction = Property(str, lambda self: self._error_action, notify=changed)

    @property
    def submission_id(self) -> str:
        return self._submission_id

    @property
    def item_codes(self) -> list[str]:
        return list(self._item_codes)

    def wait(self) -> None:
        self._background.wait()

    # --- saving ------------------------------------------------------------------------------
    @Slot()
    def save(self) -> None:
        """Freeze the payload and write it durably on a worker thread (called on entering 保存).

        The same worker then draws the reference's QR code and lays out the receipt, so the GUI
        thread only swaps screens when the save returns (the QR's PNG encoding and the first import
        of segno and the receipt layout cost tens of milliseconds there). The order stays: nothing
        of the receipt exists before the store's commit has returned."""
        form = self._journey.form
        if form is None or self._state in ("saving", "saved"):
            return
        if self._submit is None:
            self._fail("本机没有接上数据存储，无法保存。", "请工作人员检查终端。")
            return
        payload = self._journey.payload()      # the form's, with the pages' pre-checks; 通办
        facts = self._handled_facts(form.receipt_facts(), payload)
        if not payload.get("item_codes"):
            self._fail("这件事本站不能代收：" + "".join(facts["elsewhere"]),
                       "请按上面说的地方去办理；有疑问请问驿站工作人员。")
            return
        provided = sum(1 for m in form.materials() if m.status == "provided")
        # The receipt's facts, frozen now and saved with the application: every reprint states them.
        saved = receipts.record(facts, applicant=payload.get("applicant") or {}, agent=payload.get("agent"),
                                provided=provided, saved_at=dt.datetime.now().astimezone())
        signature = self._journey.signature_png
        submit, station, hotline = self._submit, self._station, self._hotline
        self._state = "saving"
        self.changed.emit()

        def durable_then_receipt() -> tuple[str, str, str, object]:
            submission_id, reference = submit(payload, signature, saved)       # durable when it returns
            qr, receipt = "", None
            try:
                qr = qr_data_url(reference)
                receipt = receipts.build(saved, reference=reference, station_name=station, hotline=hotline)
            except Exception:  # noqa: BLE001 - saved already: the screen says so, without a QR
                log.exception("drawing the receipt failed after the save")
            return submission_id, reference, qr, receipt

        self._background.run(durable_then_receipt,
                             lambda result, error: self._saved(result, error, facts), "kiosk-submit")

    def _handled_facts(self, facts: dict, payload: dict) -> dict:
        """通办: the receipt lists only the items submitted here, and says where to go for the
        others (forms.handling decided; the payload carries only the items taken here)."""
        from forms.handling import refused_sentences

        taken = set(payload.get("item_codes") or [])
        elsewhere = refused_sentences(self._journey.handling())
        return {**facts, "items": [i for i in facts["items"] if i["code"] in taken], "elsewhere": elsewhere}

    def _saved(self, result, error, facts: dict) -> None:  # noqa: ANN001
        if self._state != "saving":
            return   # the session was ended meanwhile (the save itself is durable and queued)
        if error is not None:
            message = str(error) if str(error) else "保存时出了问题。"
            log.error("saving the application failed: %s", type(error).__name__)
            self._fail(message, "您填写的内容还在，请点“返回上一步”再试一次，或请工作人员帮忙。")
            return
        self._submission_id, self._reference, self._qr, self._receipt = result
        self._state = "saved"
        self._bundle_name = facts["bundle_name"]
        self._item_codes = [item["code"] for item in facts["items"]]
        # The screen states what the paper states, in the same words and date format.
        if self._receipt is not None:
            self._items = [{"name": i.name, "outcome": i.outcome} for i in self._receipt.items]
        else:
            self._items = [{"name": i["name"], "outcome": receipts.outcome(i["promised_date"])}
                           for i in facts["items"]]
        self._owed = [{"name": d["name"], "due": chinese_date(dt.date.fromisoformat(d["due_date"]))
                       if d["due_date"] else ""} for d in facts["deferred"]]
        self._elsewhere = [{"sentence": s, "here": False} for s in facts.get("elsewhere", [])]
        self.changed.emit()
        self._forward()
        self._on_submitted()      # after moving on: the saving screen leaves the 返回 history
        elsewhere = "".join(facts.get("elsewhere", []))
        self._say(f"已经保存。您的受理编号是 {spoken_reference(self._reference)}。凭条正在打印。"
                  + (f"另外，{elsewhere}" if elsewhere else "") + self.then_say())
        if self._receipt is None:
            self._printed(None, RuntimeError("凭条排版出错"))
        else:
            self.printReceipt()

    def _fail(self, message: str, action: str) -> None:
        """The saving screen turns into "没有保存成功" with 重试: the form is still in memory."""
        self._state = "failed"
        self._error = message
        self._error_action = action
        self.changed.emit()
        self._say("没有保存成功。" + message)

    # --- the receipt ---------------------------------------------------------------------------
    @Slot()
    def printReceipt(self) -> None:
        """Print (or print again) the receipt on the receipt printer, off the GUI thread."""
        if self._receipt is None or self._print_state == "printing":
            return
        if self._print is None:
            self._printed(None, RuntimeError("本机没有凭条打印机"))
            return
        self._print_state = "printing"
        self._print_message = "凭条正在打印……"
        self.changed.emit()
        receipt = self._receipt
        self._background.run(lambda: self._print(receipt), self._printed, "kiosk-receipt")

    def _printed(self, result, error) -> None:  # noqa: ANN001
        from devices.printer.receipt_printer import Printed

        if error is None and isinstance(result, Printed):
            self._print_state = "printed"
            self._receipts_printed += 1          # 再打印 shows it printed again, not the same line
            again = f"（第 {self._receipts_printed} 张）" if self._receipts_printed > 1 else ""
            self._print_message = f"凭条已打印{again}，请从出纸口取走。"
        else:
            reason = result.status.message if result is not None else str(error or "")
            self._print_state = "not_printed"
            self._print_message = ("凭条没有打印出来" + (f"（{reason}）" if reason else "")
                                   + "。申请已保存，请拍下屏幕上的二维码，或请工作人员补打。")
        self.changed.emit()
        self._say(self._print_message)

    def wipe(self) -> None:
        self._receipt = None
        self._reset()
        self.changed.emit()
