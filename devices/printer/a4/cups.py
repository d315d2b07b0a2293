"""A4 printing through CUPS over IPP: check the printer, submit the PDF, follow the job.

Following a job: poll Get-Job-Attributes until the job is completed, aborted or canceled; while
it waits, read the printer's `printer-state-reasons`, and give up with a plain Chinese message
when the printer is stopped or reports a fault (paper out, jam, offline) for `stuck_after_s`.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from devices.printer.a4.ipp import (
    CANCEL_JOB,
    GET_JOB_ATTRIBUTES,
    GET_PRINTER_ATTRIBUTES,
    JOB_STATES,
    PRINT_JOB,
    PRINTER_STATES,
    STATUS_NOT_FOUND,
    TAG_BOOLEAN,
    TAG_INTEGER,
    TAG_JOB,
    TAG_KEYWORD,
    TAG_MIME,
    TAG_NAME,
    TAG_PRINTER,
    TAG_URI,
    IppClient,
    IppError,
)
from devices.printer.a4.types import JobOutcome, PrinterNotFound, PrintError, PrintJob

# printer-state-reasons keywords (RFC 8011 and PWG 5100.9) -> what staff should do.
REASON_MESSAGES = {
    "media-empty": "打印机缺纸，请添加 A4 纸",
    "media-needed": "打印机缺纸，请添加 A4 纸",
    "media-jam": "打印机卡纸，请打开盖板取出卡住的纸",
    "toner-empty": "墨粉已用完，请更换硒鼓",
    "marker-supply-empty": "墨粉已用完，请更换硒鼓",
    "door-open": "打印机盖板未关好",
    "cover-open": "打印机盖板未关好",
    "offline": "打印机离线，请检查电源和数据线",
    "offline-report": "打印机离线，请检查电源和数据线",
    "connecting-to-device": "正在连接打印机，请检查电源和数据线",
    "shutdown": "打印机已关机",
    "paused": "打印机已暂停，请在打印管理中恢复",
}
FAULT_REASONS = set(REASON_MESSAGES) - {"connecting-to-device"}


# CUPS's own (unlocalised) status messages that staff may see.
CUPS_MESSAGES = {
    "Filter failed": "打印数据转换失败，请检查打印机驱动",
    "Backend failed": "无法把数据送到打印机，请检查连接",
    "Printer not connected; will retry in 30 seconds.": "打印机未连接，请检查电源和数据线",
}


def _plain(message: str) -> str:
    return CUPS_MESSAGES.get(message.strip(), message.strip().rstrip("。"))


def reason_message(reasons: list[str] | tuple[str, ...]) -> str | None:
    """The first reason staff can act on, in Chinese (suffixes -error/-warning/-report ignored)."""
    for reason in reasons:
        for key in (reason, reason.rsplit("-", 1)[0]):
            if key in REASON_MESSAGES:
                return REASON_MESSAGES[key]
    return None


class CupsPrinter:
    """A named CUPS queue reached over IPP."""

    def __init__(self, name: str, server: str | None = None, client: IppClient | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.name = name
        self.client = client or IppClient(server)
        self._sleep = sleep
        self._pages_done = 0

    def status(self) -> dict[str, object]:
        """Printer state, reasons and whether it accepts jobs; PrinterNotFound if it does not exist."""
        response = self.client.request(
            GET_PRINTER_ATTRIBUTES, self.client.printer_path(self.name),
            [(TAG_URI, "printer-uri", self.client.printer_uri(self.name)),
             (TAG_KEYWORD, "requested-attributes",
              ["printer-state", "printer-state-reasons", "printer-is-accepting-jobs",
               "printer-state-message"])])
        if response.status == STATUS_NOT_FOUND:
            raise PrinterNotFound(f"找不到打印机“{self.name}”，请在打印管理中检查打印机名称")
        if not response.ok:
            raise PrintError(f"查询打印机“{self.name}”失败（IPP 状态 0x{response.status:04x}）")
        attrs = response.first(TAG_PRINTER)
        return {
            "state": PRINTER_STATES.get(attrs.get("printer-state", [0])[0], "unknown"),
            "reasons": tuple(r for r in attrs.get("printer-state-reasons", []) if r != "none"),
            "accepting": bool(attrs.get("printer-is-accepting-jobs", [True])[0]),
            "message": (attrs.get("printer-state-message") or [""])[0],
        }

    def submit(self, pdf: bytes, title: str) -> PrintJob:
        """Check the printer exists and accepts jobs, then send the PDF as one job."""
        if not pdf.startswith(b"%PDF-"):
            raise PrintError("要打印的文件不是 PDF")
        try:
            status = self.status()
            if not status["accepting"]:
                raise PrintError(f"打印机“{self.name}”暂不接受打印任务，请在打印管理中启用")
            response = self.client.request(
                PRINT_JOB, self.client.printer_path(self.name),
                [(TAG_URI, "printer-uri", self.client.printer_uri(self.name)),
                 (TAG_NAME, "requesting-user-name", self.client.user),
                 (TAG_NAME, "job-name", title),
                 (TAG_MIME, "document-format", "application/pdf")],
                data=pdf)
        except IppError as exc:
            raise PrintError(str(exc)) from exc
        if not response.ok:
            raise PrintError(f"打印机“{self.name}”拒绝了打印任务（IPP 状态 0x{response.status:04x}）")
        job_id = response.value(TAG_JOB, "job-id")
        if not isinstance(job_id, int):
            raise PrintError("打印服务没有返回任务编号")
        return PrintJob(self.name, job_id, title)

    def job_state(self, job: PrintJob) -> tuple[str, tuple[str, ...]]:
        response = self.client.request(
            GET_JOB_ATTRIBUTES, "/jobs",
            [(TAG_URI, "printer-uri", self.client.printer_uri(self.name)),
             (TAG_INTEGER, "job-id", job.job_id),
             (TAG_KEYWORD, "requested-attributes",
              ["job-state", "job-state-reasons", "job-impressions-completed"])])
        if not response.ok:
            raise PrintError(f"查询打印任务 {job.job_id} 失败（IPP 状态 0x{response.status:04x}）")
        attrs = response.first(TAG_JOB)
        self._pages_done = int((attrs.get("job-impressions-completed") or [0])[0])
        state = JOB_STATES.get(attrs.get("job-state", [0])[0], "unknown")
        return state, tuple(attrs.get("job-state-reasons", []))

    def follow(self, job: PrintJob, timeout_s: float = 120.0, poll_s: float = 0.25,
               stuck_after_s: float = 5.0, quiet_after_s: float = 45.0) -> JobOutcome:
        """Poll until the job ends, or looks stuck, or `timeout_s` passes.

        Stuck means: the printer is stopped or reports a fault (paper out, jam, offline …) for
        `stuck_after_s`; or the backend keeps repeating one status message (e.g. CUPS's "printer
        not available" while it retries a switched-off network printer, which sets no reason
        keyword) for `quiet_after_s` with no page printed meanwhile.
        """
        start = time.monotonic()
        deadline = start + timeout_s
        fault_since: float | None = None
        last_message, message_since, last_pages = "", start, -1
        while True:
            try:
                state, job_reasons, pages = self._job(job)
                if state == "completed":
                    return JobOutcome(job, "completed", "打印完成", job_reasons)
                if state in ("aborted", "canceled"):
                    word = "已取消" if state == "canceled" else "失败"
                    printer = self.status()
                    hint = reason_message(list(printer["reasons"]) + list(job_reasons))  # type: ignore[arg-type]
                    return JobOutcome(job, state, f"打印{word}" + (f"：{hint}" if hint else ""), job_reasons)
                printer = self.status()
            except IppError as exc:
                return JobOutcome(job, "stuck", str(exc))
            reasons = tuple(printer["reasons"])  # type: ignore[arg-type]
            message = str(printer["message"] or "")
            now = time.monotonic()
            faulty = printer["state"] == "stopped" or any(
                r.rsplit("-", 1)[0] in FAULT_REASONS or r in FAULT_REASONS for r in reasons)
            if faulty:
                fault_since = fault_since if fault_since is not None else now
                if now - fault_since >= stuck_after_s:
                    hint = reason_message(reasons) or (_plain(message) if message else "打印机已停止")
                    return JobOutcome(job, "stuck", f"打印未完成：{hint}", reasons)
            else:
                fault_since = None
            if message != last_message or pages != last_pages:
                last_message, message_since, last_pages = message, now, pages
            elif message and state != "completed" and now - message_since >= quiet_after_s:
                return JobOutcome(job, "stuck", f"打印未完成：{_plain(message)}", reasons)
            if now >= deadline:
                return JobOutcome(job, "stuck", "打印超时：任务仍在排队，请检查打印机", reasons)
            self._sleep(poll_s)

    def _job(self, job: PrintJob) -> tuple[str, tuple[str, ...], int]:
        state, reasons = self.job_state(job)
        return state, reasons, self._pages_done

    def cancel(self, job: PrintJob) -> None:
        """Cancel a job that will not finish (so it does not print hours later, unattended)."""
        self.client.request(
            CANCEL_JOB, "/jobs",
            [(TAG_URI, "printer-uri", self.client.printer_uri(self.name)),
             (TAG_INTEGER, "job-id", job.job_id),
             (TAG_NAME, "requesting-user-name", self.client.user),
             (TAG_BOOLEAN, "purge-job", False)])
