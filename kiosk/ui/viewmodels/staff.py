"""Staff mode: the PIN screen and the staff home (queue, devices, certificates, figures, export).

Why it sits behind a PIN on the public screen: staff can put failed applications back in the
queue, print any resident's certificate and copy the queue to a USB stick. The PIN check is
`kiosk.station.staff_auth.StaffPins` (scrypt, a terminal-wide lockout that survives restarts, every
attempt audited without the PIN). Everything slow (scrypt, the store, printers, the USB stick)
runs on a worker thread; this view-model only holds what the screens show. Logging out, 首页 and
the idle timeout all end the session, whose wipe logs staff out (`wipe`).
"""

from __future__ import annotations

import datetime as dt
import glob
import logging
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Property, QObject, Signal, Slot

from kiosk.station.staff_auth import Outcome, PinError, StaffPins
from kiosk.ui.background import Background
from kiosk.ui.viewmodels.keypad import press, refusal

log = logging.getLogger(__name__)

RATING_LABELS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
DEVICE_LABELS = {"id_reader": "身份证阅读器", "receipt_printer": "凭条打印机"}
STATE_WORDS = {"ok": "正常", "missing": "未连接", "error": "故障"}
USB_PATTERNS = ("/media/*/*", "/run/media/*/*")


def age_in_words(seconds: float) -> str:
    """3725 → '1 小时 2 分钟': how long the oldest application has waited, for staff."""
    seconds = int(max(0, seconds))
    if seconds < 60:
        return "不到 1 分钟"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} 分钟"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} 小时" + (f" {minutes} 分钟" if minutes else "")
    days, hours = divmod(hours, 24)
    return f"{days} 天" + (f" {hours} 小时" if hours else "")


def usb_folders(patterns: tuple[str, ...] = USB_PATTERNS) -> list[str]:
    """Mounted removable drives (udisks mounts them under /media/USER/LABEL or /run/media/USER/LABEL)."""
    found: list[str] = []
    for pattern in patterns:
        found += [p for p in sorted(glob.glob(pattern)) if Path(p).is_dir()]
    return found


def device_history(fault: dict | None, retries: int) -> str:
    """What happened to a device since start, beside its state: a fault that has passed (the
    staff page said 正常 while the log said error) and the transient errors it rode out."""
    parts = []
    if fault is not None and fault.get("until") is not None:
        at = dt.datetime.fromtimestamp(fault["at"]).strftime("%H:%M:%S")
        lasted = max(1, round(fault["until"] - fault["at"]))
        what = str(fault["message"]).split("，")[0]       # the fault, without its advice
        parts.append(f"{at} 曾出现“{what}”，{lasted} 秒后自动恢复")
    if retries:
        parts.append(f"开机以来通讯重试 {retries} 次")
    return "；".join(parts)


def local_midnight(now: float) -> float:
    day = dt.datetime.fromtimestamp(now).date()
    return dt.datetime.combine(day, dt.time()).timestamp()


class StaffViewModel(QObject):
    changed = Signal()

    def __init__(self, pins: StaffPins | None, store, *, devices, catalogue: Callable[[], object],  # noqa: ANN001
                 lookup, shell, station_name: str, hotline: str, key_dir: Path,  # noqa: ANN001
                 say: Callable[[str], None], usb_patterns: tuple[str, ...] = USB_PATTERNS,
                 clock: Callable[[], float] = time.time, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pins = pins
        self._store = store
        self._devices = devices
        self._catalogue = catalogue
        self._lookup = lookup
        self._shell = shell
        self._station = station_name
        self._hotline = hotline
        self._key_dir = Path(key_dir)
        self._say = say
        self.usb_patterns = usb_patterns      # where removable drives are mounted (tests: a tmp dir)
        self._clock = clock
        self._background = Background(self)
        self.wake: Callable[[], None] = lambda: None     # the delivery worker's wake (kiosk.ui.app.run)
        devices.changed.connect(self._devices_changed)
        self._reset()

    def _reset(self) -> None:
        self._staff_id = ""
        self._pin = ""
        self._field = "staff"
        self._login_message = ""
        self._locked = False
        self._checking = False
        self._logged_in = ""
        self._pending = 0
        self._oldest = ""
        self._problems: list[dict] = []
        self._queue_message = ""
        self._refreshed_at = ""
        self._same_second = 0
        self._refreshing = False
        self._test_print = ""
        self._figures: list[dict] = []
        self._ratings: list[dict] = []
        self._catalogue_version = ""
        self._software_warning = ""
        self._usb: list[str] = []
        self._usb_searches = 0          # 查找 U 盘 pressed again: the answer says it looked again
        self._export_message = ""
        self._lookup_id = ""
        self._lookup_error = ""
        self._busy = ""
        self._help_calls: list[dict] = []
        self._help_message = ""

    # --- properties --------------------------------------------------------------------------
    staffId = Property(str, lambda self: self._staff_id, notify=changed)
    pinDots = Property(str, lambda self: "●" * len(self._pin), notify=changed)
    field = Property(str, lambda self: self._field, notify=changed)
    loginMessage = Property(str, lambda self: self._login_message, notify=changed)
    locked = Property(bool, lambda self: self._locked, notify=changed)
    checking = Property(bool, lambda self: self._checking, notify=changed)
    loggedIn = Property(str, lambda self: self._logged_in, notify=changed)
    pendingCount = Property(int, lambda self: self._pending, notify=changed)
    oldestAge = Property(str, lambda self: self._oldest, notify=changed)
    refreshedAt = Property(str, lambda self: self._refreshed_at, notify=changed)
    refreshing = Property(bool, lambda self: self._refreshing, notify=changed)

    @Property(str, notify=changed)
    def pendingText(self) -> str:
        """One sentence for the queue: it read "最早一件已等 没有待发的申请" when nothing waited."""
        if not self._pending:
            return "没有待发送的申请。"
        return f"待发送 {self._pending} 件；最早一件已等 {self._oldest}。"

    problems = Property(list, lambda self: self._problems, notify=changed)
    queueMessage = Property(str, lambda self: self._queue_message, notify=changed)
    testPrintMessage = Property(str, lambda self: self._test_print, notify=changed)
    figures = Property(list, lambda self: self._figures, notify=changed)
    ratings = Property(list, lambda self: self._ratings, notify=changed)
    catalogueVersion = Property(str, lambda self: self._catalogue_version, notify=changed)
    softwareWarning = Property(str, lambda self: self._software_warning, notify=changed)
    usbFolders = Property(list, lambda self: self._usb, notify=changed)
    exportMessage = Property(str, lambda self: self._export_message, notify=changed)
    lookupId = Property(str, lambda self: self._lookup_id, notify=changed)
    lookupError = Property(str, lambda self: self._lookup_error, notify=changed)
    busy = Property(str, lambda self: self._busy, notify=changed)
    # 求助 calls of the last day, newest first: {seq, text, pending, answered} (kiosk.station.help_calls)
    helpCalls = Property(list, lambda self: self._help_calls, notify=changed)
    helpMessage = Property(str, lambda self: self._help_message, notify=changed)

    @Property(int, notify=changed)
    def pendingHelpCount(self) -> int:
        return sum(1 for c in self._help_calls if c["pending"])

    @Property(list, notify=changed)
    def devices(self) -> list[dict]:
        rows = []
        retries = self._devices.retries()
        for name, (state, message) in sorted(self._devices.health().items()):
            paper = "纸" in message and "正常" not in message
            rows.append({"name": DEVICE_LABELS.get(name, name), "state": STATE_WORDS.get(state, state),
                         "message": message, "warn": state != "ok" or paper,
                         "history": device_history(self._devices.recent_fault(name), retries.get(name, 0))})
        if not rows:
            rows.append({"name": "设备", "state": "未连接", "message": "本机没有打开任何设备",
                         "warn": True})
        return rows

    def _devices_changed(self) -> None:
        if self._logged_in:
            self.changed.emit()

    def wait(self) -> None:
        self._background.wait()

    # --- login -------------------------------------------------------------------------------
    @Slot()
    def open(self) -> None:
        """工作人员 on the attract screen."""
        self._reset()
        self.changed.emit()
        self._shell.go("staff_login")

    @Slot(str)
    def selectField(self, name: str) -> None:
        self._field = "pin" if name == "pin" else "staff"
        self.changed.emit()

    @Slot(str)
    def keypad(self, key: str) -> None:
        """A key of the big number pad, for the field selected (工号 or 密码)."""
        if self._field == "pin":
            why = refusal(self._pin, key, "pin")
            self._pin = press(self._pin, key, "pin")
        else:
            why = refusal(self._staff_id, key, "staff")
            self._staff_id = press(self._staff_id, key, "staff")
        if not self._locked:        # a key that can do nothing says why; a lockout stays said
            self._login_message = why
        self.changed.emit()

    @Slot()
    def login(self) -> None:
        if self._checking:
            return
        if not self._staff_id or not self._pin:
            self._login_message = "请先输入工号，再输入密码。"
            self._field = "staff" if not self._staff_id else "pin"
            self.changed.emit()
            return
        if self._pins is None:
            self._login_message = "本机还没有设置工作人员密码。请县级运维人员用 staff set-pin 设置。"
            self.changed.emit()
            return
        staff_id, pin, pins = self._staff_id, self._pin, self._pins
        self._pin = ""
        self._checking = True
        self.changed.emit()
        self._background.run(lambda: pins.verify(staff_id, pin),
                             lambda result, error: self._checked(staff_id, result, error), "kiosk-staff-pin")

    def _checked(self, staff_id: str, result, error) -> None:  # noqa: ANN001 - AuthResult
        self._checking = False
        if error is not None:
            self._login_message = str(error) if isinstance(error, PinError) else \
                "无法核对密码。请联系县级运维人员。"
            self.changed.emit()
            return
        if result.outcome is Outcome.OK:
            self._logged_in = staff_id
            self._login_message = ""
            self._locked = False
            self.changed.emit()
            self._shell.go("staff_home")
            self._shell.clear_history()      # 返回 must not lead back to the PIN screen
            self.refresh()
            return
        self._locked = result.outcome is Outcome.LOCKED
        self._login_message = result.message(now=self._clock())
        self._field = "pin"
        self.changed.emit()
        self._say(self._login_message)

    @Slot()
    def logout(self) -> None:
        """退出: back to the attract screen (the session's wipe logs staff out)."""
        if self._logged_in and self._store is not None:
            self._store.audit("staff.logout", {"staff_id": self._logged_in})
        self._shell.home()

    def wipe(self) -> None:
        self._reset()
        self.changed.emit()

    # --- the staff home ----------------------------------------------------------------------
    @Slot()
    def refresh(self) -> None:
        """Queue, figures and catalogue version, read on a worker thread."""
        if not self._logged_in or self._store is None:
            return
        store, catalogue, now = self._store, self._catalogue, self._clock()
        self._refreshing = True
        self.changed.emit()
        self._background.run(lambda: _overview(store, catalogue, now), self._refreshed, "kiosk-staff")

    def _refreshed(self, result, error) -> None:  # noqa: ANN001
        if not self._logged_in:
            return
        self._refreshing = False
        # When the figures were read: pressing 刷新 with nothing new still shows it did something.
        # Pressed again within the same second (the figures read twice): say it was read again.
        when = dt.datetime.fromtimestamp(self._clock()).strftime("%H:%M:%S")
        self._same_second = self._same_second + 1 if self._refreshed_at.startswith(when) else 0
        self._refreshed_at = when + (f"（第 {self._same_second + 1} 次读取）" if self._same_second else "")
        if error is not None:
            log.error("staff overview failed: %s", type(error).__name__)
            self._queue_message = "读取本机数据出错，请联系县级运维人员。"
        else:
            (self._pending, self._oldest, self._problems, self._figures, self._ratings,
             self._catalogue_version, self._software_warning, self._help_calls) = result
        self.changed.emit()

    # --- 求助 calls ----------------------------------------------------------------------------
    def record_help_call(self, screen: str, done: Callable[[bool], None]) -> None:
        """The shell's 呼叫工作人员 (any screen, any session): written on a worker thread; `done`
        says whether it is durable. Staff already on their page see it at once."""
        from kiosk.station import help_calls

        store = self._store

        def recorded(_seq, error) -> None:  # noqa: ANN001
            if error is not None:
                log.error("help call not recorded: %s", type(error).__name__)
            done(error is None)
            if self._logged_in:
                self.refresh()

        self._background.run(lambda: help_calls.record_call(store, screen), recorded, "kiosk-help-call")

    @Slot(int)
    def answerHelpCall(self, seq: int) -> None:
        """已处理: staff have seen to the resident who called; recorded with their 工号."""
        if not self._logged_in or self._store is None:
            return
        from kiosk.station import help_calls

        store, staff_id, now = self._store, self._logged_in, self._clock()
        self._background.run(lambda: help_calls.answer(store, seq, staff_id, now),
                             self._help_answered, "kiosk-help-answer")

    def _help_answered(self, ok, error) -> None:  # noqa: ANN001
        when = dt.datetime.fromtimestamp(self._clock()).strftime("%H:%M:%S")
        if error is not None:
            log.error("help answer not recorded: %s", type(error).__name__)
            self._help_message = "没有记下“已处理”，请再点一次。"
        else:
            self._help_message = f"已记下处理（{when}）。" if ok else "这次呼叫已经处理过了。"
        self.changed.emit()
        self.refresh()

    @Slot(str)
    def retry(self, ref: str) -> None:
        if not self._logged_in or self._store is None:
            return
        store = self._store
        self._background.run(lambda: store.retry(ref), lambda ok, error: self._retried(ref, ok, error),
                             "kiosk-staff-retry")

    def _retried(self, ref: str, ok, error) -> None:  # noqa: ANN001
        if error is None and ok:
            self._queue_message = f"{ref} 已重新放回待发队列，联网后会自动发送。"
            self.wake()
        else:
            self._queue_message = f"{ref} 不能重试（可能已经发出）。请刷新后再看。"
        self.refresh()
        self.changed.emit()

    @Slot()
    def testPrint(self) -> None:
        if not self._logged_in or self._busy:
            return
        self._busy = "test_print"
        self._test_print = "正在打印测试页……"
        self.changed.emit()
        station, devices = self._station, self._devices
        self._background.run(lambda: devices.print_test_page(station), self._test_printed, "kiosk-test-print")

    def _test_printed(self, result, error) -> None:  # noqa: ANN001
        from devices.printer.receipt_printer import Printed

        self._busy = ""
        when = dt.datetime.fromtimestamp(self._clock()).strftime("%H:%M:%S")
        if error is None and isinstance(result, Printed):
            self._test_print = f"测试页已打印（{when}）。" + ("" if "正常" in result.status.message
                                                           else result.status.message)
        else:
            reason = result.status.message if result is not None and hasattr(result, "status") else ""
            self._test_print = (f"测试页没有打印出来（{when}）" + (f"：{reason}" if reason else "")
                                + "。请检查凭条打印机。")
        if self._store is not None:
            self._store.audit("staff.test_print", {"staff_id": self._logged_in,
                                                   "printed": isinstance(result, Printed)})
        self.changed.emit()

    # --- a resident's applications ---------------------------------------------------------
    @Slot(str)
    def lookupKey(self, key: str) -> None:
        self._lookup_error = refusal(self._lookup_id, key, "id")
        self._lookup_id = press(self._lookup_id, key, "id")
        self.changed.emit()

    @Slot()
    def lookupTyped(self) -> None:
        from forms.validators import check_id_number

        problem = check_id_number(self._lookup_id)
        if problem:
            self._lookup_error = problem
            self.changed.emit()
            return
        self._open_lookup(self._lookup_id, "")

    def card(self, card) -> None:  # noqa: ANN001 - devices.idcard.IdCard, placed while staff look
        self._open_lookup(card.id_number, card.name or "")

    def _open_lookup(self, id_number: str, name: str) -> None:
        self._lookup_id = ""
        self._lookup_error = ""
        self.changed.emit()
        if self._store is not None:
            self._store.audit("staff.lookup", {"staff_id": self._logged_in})
        self._lookup.load(id_number, name, for_staff=True)
        self._shell.go("status_lookup")

    # --- export to a USB stick -----------------------------------------------------------------
    @Slot()
    def findUsb(self) -> None:
        self._export_message = "正在查找 U 盘……"
        self.changed.emit()
        patterns = self.usb_patterns
        self._background.run(lambda: usb_folders(patterns), self._usb_found, "kiosk-usb")

    def _usb_found(self, folders, error) -> None:  # noqa: ANN001
        self._usb = folders or []
        self._usb_searches += 1
        when = dt.datetime.fromtimestamp(self._clock()).strftime("%H:%M:%S")
        again = f"第 {self._usb_searches} 次查找，" if self._usb_searches > 1 else ""
        self._export_message = "" if self._usb else \
            f"没有检测到 U 盘（{again}{when} 查找）。请插入 U 盘，稍等几秒后点“查找 U 盘”。"
        self.changed.emit()

    @Slot(str)
    def exportTo(self, folder: str) -> None:
        if not self._logged_in or self._store is None or self._busy:
            return
        self._busy = "export"
        self._export_message = "正在导出……"
        self.changed.emit()
        store, key_dir = self._store, self._key_dir
        self._background.run(lambda: export_queue(store, key_dir, Path(folder)), self._exported,
                             "kiosk-export")

    def _exported(self, result, error) -> None:  # noqa: ANN001
        self._busy = ""
        if error is None:
            self._export_message = result
        else:
            self._export_message = _export_problem(error)
        self.changed.emit()

    @Slot(str)
    def backupTo(self, folder: str) -> None:
        """备份本机: the whole station (data and keys, encrypted with the county's recovery key,
        kiosk.station.backup) onto the USB stick, for a new PC if this one fails."""
        if not self._logged_in or self._store is None or self._busy:
            return
        self._busy = "backup"
        self._export_message = "正在备份本机，请不要拔出 U 盘……"
        self.changed.emit()
        store, key_dir = self._store, self._key_dir
        self._background.run(lambda: backup_station(store, key_dir, Path(folder)), self._backed_up,
                             "kiosk-backup")

    def _backed_up(self, result, error) -> None:  # noqa: ANN001
        from kiosk.station.backup import BackupError

        self._busy = ""
        if error is None:
            self._export_message = result
        elif isinstance(error, BackupError):
            self._export_message = str(error)
        else:
            self._export_message = _export_problem(error)
        if self._store is not None:
            self._store.audit("staff.backup", {"staff_id": self._logged_in, "done": error is None})
        self.changed.emit()


def export_queue(store, key_dir: Path, folder: Path) -> str:  # noqa: ANN001 - sync.store.Store
    """`queue export` to `folder/kiosk-export`: encrypted to the platform, signed by this station."""
    from sync.usb_export import export_queue as export

    if not folder.is_dir():
        raise FileNotFoundError(str(folder))
    done = export(store, key_dir, folder / "kiosk-export")
    return (f"已导出 {done.submissions} 件申请、{done.ratings} 条评价到 "
            f"{done.path.parent}。请把 U 盘交给县级运维人员导入平台。")


def backup_station(store, key_dir: Path, folder: Path) -> str:  # noqa: ANN001 - sync.store.Store
    """The staff button's backup (worker thread): one encrypted file on the stick; what staff read."""
    from kiosk.station.backup import backup_to

    if not folder.is_dir():
        raise FileNotFoundError(str(folder))
    done = backup_to(folder, store, key_dir)
    return (f"已备份本机（{done.submissions} 件申请，其中待发 {done.pending} 件；"
            f"{done.size_bytes / 1_000_000:.1f} MB）到 {done.path}。请把 U 盘交县级运维人员妥善保管。")


def _export_problem(error: BaseException) -> str:
    from sync.enrollment import EnrollmentError

    if isinstance(error, EnrollmentError):
        return str(error)
    if isinstance(error, FileNotFoundError):
        return "找不到这个 U 盘，可能已被拔出。请重新插入后点“查找 U 盘”。"
    if isinstance(error, OSError):
        return f"写入 U 盘失败（{error.strerror or error}）。请换一个 U 盘或检查剩余空间后再试。"
    log.error("export failed: %s", type(error).__name__)
    return "导出没有成功。请联系县级运维人员。"


def help_call_rows(calls, now: float) -> list[dict]:  # noqa: ANN001 - kiosk.station.help_calls.HelpCall
    """What the staff page lists of each 求助 call: when, from which screen, and who answered."""
    from kiosk.ui.navigation import SCREENS

    def clock(at: float) -> str:
        moment = dt.datetime.fromtimestamp(at)
        return moment.strftime("%H:%M") if moment.date() == dt.datetime.fromtimestamp(now).date() \
            else moment.strftime("%m月%d日 %H:%M")

    rows = []
    for call in calls:
        spec = SCREENS.get(call.screen)
        where = f"在“{spec.title}”页面" if spec is not None else "在本机"
        if call.pending:
            text = f"！ {clock(call.at)} {where}呼叫，已等 {age_in_words(now - call.at)}"
        else:
            text = (f"✓ {clock(call.at)} {where}呼叫；"
                    f"{clock(call.answered_at)} 由工作人员 {call.answered_by} 处理")
        rows.append({"seq": call.seq, "text": text, "pending": call.pending})
    return rows


def _overview(store, catalogue: Callable[[], object], now: float):  # noqa: ANN001, ANN202
    """(pending, oldest age in words, failed/rejected rows, figures, ratings, catalogue version,
    a warning when the platform's last heartbeat asked for a newer software version, else "",
    the 求助 calls of the last day)."""
    from kiosk.station import help_calls
    from kiosk.station.health import outdated_reason
    from kiosk.station.status import MIN_APP_VERSION
    from kiosk.station.version import app_version

    summary = store.pending_summary()
    problems = []
    for row in store.outbox_rows():
        if row.state not in ("failed", "rejected"):
            continue
        reason = row.last_error or ""
        if row.kind == "submission" and not reason:
            info = store.find(row.ref_id)
            messages = [s.get("message") for s in (info.statuses if info else []) if s.get("message")]
            reason = messages[-1] if messages else ""
        problems.append({"ref": row.local_reference or row.ref_id,
                         "kind": "申请" if row.kind == "submission" else "评价",
                         "label": row.state_label, "reason": reason or "（平台没有说明原因）",
                         "canRetry": row.state == "failed"})
    try:
        current = catalogue()
        names = {b.id: b.name for b in current.bundles}
        version = f"事项目录：本机使用 {current.version} 版"
    except Exception:  # noqa: BLE001 - the figures still show, with bundle ids
        names, version = {}, "事项目录没有加载成功"
    downloaded = store.document_info("catalogue")
    if downloaded and downloaded.get("version") and downloaded["version"] not in version:
        version += f"；平台最新为 {downloaded['version']} 版"
    since = local_midnight(now)
    figures = [{"label": names.get(bundle, bundle), "count": count}
               for bundle, count in store.submissions_per_bundle(since).items()]
    ratings = [{"label": RATING_LABELS[score], "count": count}
               for score, count in store.ratings_per_score(since).items()]
    oldest = age_in_words(summary["oldest_pending_age_s"]) if summary["pending"] else ""
    warning = outdated_reason(app_version(), store.setting(MIN_APP_VERSION)) or ""
    calls = help_call_rows(help_calls.calls(store, now), now)
    return summary["pending"], oldest, problems, figures, ratings, version, warning, calls
