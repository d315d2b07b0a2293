"""求助 calls: a resident pressed 呼叫工作人员; staff see it pending until they mark it 已处理.

Why in the store's audit chain rather than the log: a call written only to the log never reached
the staff page (the newcomer called, then logged in as staff and saw nothing). The chain is
durable, survives a restart, and is already where station events live (staff.login, rated …), so
no new table and no migration. A call carries the screen it came from and nothing else: no name,
no ID number, no session. An answer refers to the call by its seq and names the staff member.

Plain Python (the staff page reads it on a worker thread through kiosk.ui.viewmodels.staff).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

CALLED = "help.called"
ANSWERED = "help.answered"

# How far back the staff page looks: a call not answered for a day is no longer somebody waiting
# at the terminal, and the chain grows by every event of the station.
WINDOW_S = 24 * 3600.0


class _AuditStore(Protocol):
    def audit(self, event: str, detail: dict[str, Any]) -> int: ...
    def audit_events(self, events: tuple[str, ...], since: float = 0.0) -> list[dict[str, Any]]: ...


@dataclass(frozen=True)
class HelpCall:
    seq: int                 # the call's identity: its audit entry
    at: float                # when (wall clock, as the store records it)
    screen: str              # the screen id it was made from (kiosk.ui.navigation)
    answered_at: float | None = None
    answered_by: str = ""    # the staff member's 工号

    @property
    def pending(self) -> bool:
        return self.answered_at is None


def record_call(store: _AuditStore, screen: str) -> int:
    """A resident pressed 呼叫工作人员 on `screen`; returns the call's seq."""
    return store.audit(CALLED, {"screen": screen})


def answer(store: _AuditStore, call_seq: int, staff_id: str, now: float) -> bool:
    """Staff mark a call 已处理. False when it is not a pending call (already answered by
    another press, or too old): nothing is recorded twice."""
    if not any(c.seq == call_seq and c.pending for c in calls(store, now)):
        return False
    store.audit(ANSWERED, {"call": int(call_seq), "staff_id": staff_id})
    return True


def calls(store: _AuditStore, now: float, window_s: float = WINDOW_S) -> list[HelpCall]:
    """The calls of the last `window_s` seconds with their answers, newest first."""
    found: dict[int, HelpCall] = {}
    for entry in store.audit_events((CALLED, ANSWERED), since=now - window_s):
        detail = entry["detail"]
        if entry["event"] == CALLED:
            found[entry["seq"]] = HelpCall(entry["seq"], entry["at"], str(detail.get("screen", "")))
        else:
            call = found.get(int(detail.get("call", -1)))
            if call is not None and call.pending:
                found[call.seq] = HelpCall(call.seq, call.at, call.screen, entry["at"],
                                           str(detail.get("staff_id", "")))
    return sorted(found.values(), key=lambda c: c.seq, reverse=True)
