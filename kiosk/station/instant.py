"""立等可取: wait (at most `[kiosk] instant_wait_seconds`) for the platform to decide an
application whose items are all 即办, then print its certificate on A4 on the spot.

Why a bounded wait and not a promise: a 即办件 is decided at the platform within the minute when
the network is up, so an elderly resident who would otherwise come back another day (or travel
to the county) can take the result home now. But the kiosk must never strand anyone: offline, or
a platform that has not decided in time, or one that wants an officer to look (材料 to check),
and the wait ends at once with the ordinary receipt — the certificate is printed later by staff,
as before. The resident may stop waiting at any moment.

The certificate is printed through the one certificate path (`CertificateDesk.print`): the
platform's validity answer, a fresh download whose Ed25519 signature is checked, the stored
copy's hash — nothing is printed that did not pass those checks.

Plain Python (no Qt): the kiosk runs `wait_and_print` on a worker thread; the tests drive it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from forms.catalogue import Item
    from kiosk.station.certificates import CertificateDesk
    from sync.store import Store

log = logging.getLogger(__name__)

DECIDED = ("approved", "completed")
NEEDS_OFFICER = ("rejected", "need_materials")


@dataclass(frozen=True)
class InstantResult:
    """`outcome`: printed | offline | not_decided | needs_officer | not_printed | stopped;
    `message`: one plain sentence for the screen and the voice."""

    outcome: str
    message: str
    certificate_id: str = ""


def all_immediate(kinds: list[str]) -> bool:
    """The application may be waited for: it has items, and every one is 即办."""
    return bool(kinds) and all(kind == "immediate" for kind in kinds)


def may_finish_at_once(items: Iterable[Item]) -> bool:
    """Can an application of a bundle with these items be 立等可取 (the choose screen's badge)?

    The same rule as the wait itself (`all_immediate`), applied to the smallest application the
    bundle allows: the items that always apply, plus the 即办 ones — a 承诺件 that depends on an
    answer (`applies_if`) may be left out, one that always applies never is. So 城乡居民养老保险
    (参保登记 is 即办, 待遇领取 only for those over 60) gets the badge; 退休一件事 (its first item is
    a 承诺件 for everyone) does not."""
    return all_immediate([i.kind for i in items if i.applies_if is None or i.kind == "immediate"])


class InstantWaiter:
    """`wait_and_print(submission_id, stop)`: the bounded wait, then the certificate on A4."""

    def __init__(self, store: Store, desk: CertificateDesk, *, hurry: Callable[[], None],
                 reachable: Callable[[], bool], wait_s: float,
                 clock: Callable[[], float] = time.monotonic, poll_s: float = 0.25) -> None:
        self._store = store
        self._desk = desk
        self._hurry = hurry              # deliver and pull statuses now (DeliveryWorker.hurry)
        self._reachable = reachable      # the platform answered the last time it was asked
        self.wait_s = wait_s
        self._clock = clock
        self._poll_s = poll_s

    def reachable(self) -> bool:
        return self._reachable()

    def wait_and_print(self, submission_id: str, stop: threading.Event) -> InstantResult:
        if not self._reachable():
            return InstantResult("offline", "现在连不上省平台，办理结果等联网后由平台办结，"
                                            "请凭受理凭条到驿站打印或查询。")
        deadline = self._clock() + self.wait_s
        asked = self._clock()
        self._hurry()
        while not stop.is_set():
            found = self._decided(submission_id)
            if isinstance(found, InstantResult):
                return found
            if found:
                return self._print(submission_id, found)
            if not self._reachable():
                return InstantResult("offline", "省平台暂时连不上，申请已安全保存，联网后自动上报；"
                                                "办好后请凭受理凭条到驿站打印结果。")
            now = self._clock()
            if now >= deadline:
                return InstantResult("not_decided", "平台还没有办结，不用再等了。办好后请凭受理凭条"
                                                    "到驿站打印结果，或在查进度里打印。")
            if now - asked >= 2.0:       # the worker pulls again (a decision made meanwhile)
                asked = now
                self._hurry()
            stop.wait(min(self._poll_s, max(0.0, deadline - now)))
        return InstantResult("stopped", "您选择了不等。办好后请凭受理凭条到驿站打印结果。")

    def _decided(self, submission_id: str) -> str | InstantResult | None:
        """The certificate to print once the platform decided and it is downloaded; a result when
        the platform wants an officer; None while undecided (or the certificate not here yet)."""
        info = self._store.find(submission_id)
        if info is None:
            return None
        if info.state == "failed":
            return InstantResult("needs_officer", "平台没有当场办结这件申请，工作人员会处理，"
                                                  "请留好受理凭条。")
        if not info.statuses:
            return None
        status = info.statuses[-1]["status"]
        if status in NEEDS_OFFICER:
            return InstantResult("needs_officer", "这件申请需要工作人员进一步审核，不能当场出结果。"
                                                  "请留好受理凭条，办好后会通知您。")
        if status not in DECIDED:
            return None
        for entry in reversed(info.statuses):
            for certificate_id in reversed(entry.get("certificate_ids") or []):
                if self._store.certificate_record(certificate_id) is not None:
                    return certificate_id
        return None

    def _print(self, submission_id: str, certificate_id: str) -> InstantResult:
        from kiosk.station.certificates import CertificateRefused

        try:
            printed = self._desk.print(submission_id, certificate_id, who="resident")
        except CertificateRefused as exc:
            return InstantResult("not_printed", str(exc), certificate_id)
        except Exception:  # noqa: BLE001 - the printer or the disk: the receipt stands, staff print later
            log.exception("instant certificate print failed")
            return InstantResult("not_printed", "结果已经办好，但这次没有打印出来。请凭受理凭条"
                                                "请工作人员帮您打印。", certificate_id)
        return InstantResult("printed", "办好了！" + printed.message, certificate_id)
