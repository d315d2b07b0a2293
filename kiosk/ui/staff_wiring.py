"""Wiring staff mode and 查进度 into the shell (called from kiosk.ui.app.build and run).

The mode flag: `shell.purpose` is "apply" (the resident journey, the default) or "lookup" (the
resident pressed 查进度 / 打印结果). The identify screens are shared; when someone is identified
the flag decides whether the journey starts or their applications are listed. Ending the session
resets it to "apply".
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from kiosk.ui.session import Person

log = logging.getLogger(__name__)

DEMO_STAFF_ID = "0001"
# staff_auth requires 6–12 digits, not repeated and not a run: the demo PIN.
DEMO_STAFF_PIN = "258025"


def make_pins(config, store):  # noqa: ANN001, ANN201 - StaffPins audited through the store
    from kiosk.station.staff_auth import StaffPins

    def audit(event: str, detail: dict) -> None:
        if store is not None:
            store.audit(event, detail)

    return StaffPins(Path(config.key_dir), audit, max_failures=config.get("staff", "max_failures"),
                     lockout_s=config.get("staff", "lockout_min") * 60)


def ensure_demo_staff(pins) -> None:  # noqa: ANN001 - StaffPins
    """Demo only (never kiosk mode): staff 0001 with the demo PIN when no staff PIN exists yet."""
    from kiosk.station.staff_auth import PinError

    try:
        if pins.staff_ids():
            return
        pins.set_pin(DEMO_STAFF_ID, DEMO_STAFF_PIN)
    except PinError as exc:
        print(f"演示工作人员账号没有创建：{exc}", file=sys.stderr)
        return
    print(f"演示工作人员：工号 {DEMO_STAFF_ID}，密码 {DEMO_STAFF_PIN}（首页点“工作人员”登录）",
          file=sys.stderr)


def wire_staff_and_lookup(config, *, shell, session, store, devices, journey, voice):  # noqa: ANN001, ANN201
    """The `staff` and `lookup` view-models, wired to the shell; returns (staff, lookup, desk)."""
    from kiosk.station.certificates import CertificateDesk, a4_printer_from_config
    from kiosk.ui.viewmodels.lookup import LookupViewModel
    from kiosk.ui.viewmodels.staff import StaffViewModel

    desk = None
    if store is not None:
        def client(platform_url: str | None):  # noqa: ANN202 - its own PlatformClient (the worker's
            from sync.enrollment import EnrollmentError, make_client  # is busy on its own thread)

            try:
                return make_client(store, Path(config.key_dir), platform_url=platform_url,
                                   timeout=min(10.0, config.get("platform", "timeout_s")),
                                   proxy=config.get("platform", "proxy"))
            except EnrollmentError:
                return None

        desk = CertificateDesk(store, lambda: a4_printer_from_config(config), client)
    station, hotline = config.get("station", "name"), config.get("station", "hotline")
    lookup = LookupViewModel(store, lambda: journey.catalogue, print_receipt=devices.print_receipt,
                             certificates=desk, station_name=station, hotline=hotline, say=voice.say)
    staff = StaffViewModel(make_pins(config, store), store, devices=devices,
                           catalogue=lambda: journey.catalogue, lookup=lookup, shell=shell,
                           station_name=station, hotline=hotline, key_dir=Path(config.key_dir),
                           say=voice.say)
    if store is not None:      # 求助 → 呼叫工作人员: pending on the staff page until answered
        shell.record_help_call = staff.record_help_call
    shell.add_wiper(lookup.wipe)
    shell.add_wiper(staff.wipe)
    return staff, lookup, desk


def lookup_by_reference(reference: str, *, shell, lookup) -> bool:  # noqa: ANN001
    """查进度 by the receipt's QR code (扫码或凭编号查询办理进度, as the receipt says): the one
    application it names. Only while the visitor came for 查进度; False otherwise."""
    if shell.property("purpose") != "lookup":
        return False
    lookup.load_reference(reference)
    shell.go("status_lookup")
    shell.clear_history()
    return True


def lookup_identified(person: Person, *, shell, session, lookup) -> None:  # noqa: ANN001
    """A resident who came for 查进度 is identified: their applications, not the journey."""
    session.identify(person)
    lookup.load(person.id_number, person.name)
    shell.go("status_lookup")
    shell.clear_history()        # 返回 must not lead back into identifying (首页 ends the visit)
