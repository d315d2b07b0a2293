"""The calm banner: the truth about the network and the queue, without alarming anyone.

The delivery worker reports on its own thread; the report crosses to the GUI thread as a Qt
signal. Residents read one short line; the numbers are there for staff.
"""

from __future__ import annotations

from PySide6.QtCore import Property, QObject, Signal


def banner_text(online: bool | None, pending: int, enrolled: bool = True, storage_error: str = "") -> str:
    if storage_error:            # the station's own disk: staff must look (never called a network problem)
        return "本机存储需要检查，请找工作人员"
    if not enrolled:
        return "申请会安全保存在本机"
    if online is None:
        return ""
    if online:
        return "网络正常" if pending == 0 else f"网络正常 · 正在上报 {pending} 件"
    if pending == 0:
        return "网络暂时不通，不影响办理"
    return f"网络暂时不通 · {pending} 件申请已安全保存在本机，联网后自动上报"


class SyncStatusViewModel(QObject):
    changed = Signal()
    _fromWorker = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._online: bool | None = None
        self._pending = 0
        self._failed = 0
        self._oldest = 0
        self._enrolled = True
        self._storage_error = ""
        self._busy = ""
        self._fromWorker.connect(self._apply)

    def status_from_worker(self, status) -> None:  # noqa: ANN001 - sync.worker.WorkerStatus
        self._fromWorker.emit(status)

    def set_enrolled(self, enrolled: bool) -> None:
        self._enrolled = enrolled
        self.changed.emit()

    def _apply(self, status) -> None:  # noqa: ANN001
        self._online = bool(status.online)
        self._pending = int(status.pending)
        self._failed = int(status.failed)
        self._oldest = int(status.oldest_pending_age_s or 0)
        self._storage_error = status.storage_error or ""
        self._busy = status.busy or ""
        self.changed.emit()

    def snapshot(self) -> dict:
        return {"pending": self._pending, "failed": self._failed, "oldest_age_s": self._oldest,
                "online": self._online}

    text = Property(str, lambda self: banner_text(self._online, self._pending, self._enrolled,
                                                   self._storage_error), notify=changed)
    storageError = Property(str, lambda self: self._storage_error, notify=changed)   # for staff
    busy = Property(str, lambda self: self._busy, notify=changed)                    # for staff
    online = Property(bool, lambda self: bool(self._online), notify=changed)
    pending = Property(int, lambda self: self._pending, notify=changed)
    failed = Property(int, lambda self: self._failed, notify=changed)
