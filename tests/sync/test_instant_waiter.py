"""立等可取's bounded wait (kiosk.station.instant.InstantWaiter) on a real store, with a virtual
clock: it never waits beyond the configured limit, gives up at once when the platform cannot be
reached, hands over to an officer when the platform asks, and prints only a downloaded
certificate through the certificate desk."""

from __future__ import annotations

import itertools
import threading

from kiosk.station.certificates import CertificateDesk
from kiosk.station.instant import InstantWaiter, all_immediate
from tests.sync.helpers import new_store, sample_payload


class VirtualClock:
    """Each reading is one second later: the wait's limit is reached after `wait_s` readings,
    whatever the machine's speed."""

    def __init__(self) -> None:
        self.ticks = itertools.count()

    def __call__(self) -> float:
        return float(next(self.ticks))


def test_only_all_immediate_applications_are_waited_for():
    assert all_immediate(["immediate", "immediate"])
    assert not all_immediate(["immediate", "promised"]) and not all_immediate([])


def test_undecided_gives_up_at_the_limit(tmp_path):
    store, _ = new_store(tmp_path)
    saved = store.submit(sample_payload())
    hurried: list[int] = []
    desk = CertificateDesk(store, lambda: None)
    w = InstantWaiter(store, desk, hurry=lambda: hurried.append(1), reachable=lambda: True, wait_s=60,
                      clock=VirtualClock(), poll_s=0.001)
    result = w.wait_and_print(saved.submission_id, threading.Event())
    assert result.outcome == "not_decided" and "受理凭条" in result.message
    assert len(hurried) >= 2                           # asked the worker again while waiting
    store.close()


def test_unreachable_platform_means_no_wait_at_all(tmp_path):
    store, _ = new_store(tmp_path)
    saved = store.submit(sample_payload())
    hurried: list[int] = []
    w = InstantWaiter(store, CertificateDesk(store, lambda: None), hurry=lambda: hurried.append(1),
                      reachable=lambda: False, wait_s=60, clock=VirtualClock(), poll_s=0.001)
    result = w.wait_and_print(saved.submission_id, threading.Event())
    assert result.outcome == "offline" and hurried == []
    store.close()


def test_the_platform_asking_for_an_officer_ends_the_wait(tmp_path):
    store, _ = new_store(tmp_path)
    saved = store.submit(sample_payload())
    store.apply_status_changes([{"submission_id": saved.submission_id, "platform_reference": "SQ1",
                                 "status": "need_materials", "updated_at": "2026-12-06T10:00:00+08:00",
                                 "message": "请补充材料", "required_materials": [], "certificate_ids": []}],
                               "1")
    w = InstantWaiter(store, CertificateDesk(store, lambda: None), hurry=lambda: None,
                      reachable=lambda: True, wait_s=60, clock=VirtualClock(), poll_s=0.001)
    assert w.wait_and_print(saved.submission_id, threading.Event()).outcome == "needs_officer"
    store.close()


def test_decided_but_certificate_not_downloaded_is_not_printed(tmp_path):
    """Completed with a certificate named, but no verified copy in the store: nothing to print
    until it is downloaded; at the limit, the receipt."""
    store, _ = new_store(tmp_path)
    saved = store.submit(sample_payload())
    store.apply_status_changes([{"submission_id": saved.submission_id, "platform_reference": "SQ1",
                                 "status": "completed", "updated_at": "2026-12-06T10:00:00+08:00",
                                 "message": "", "required_materials": [], "certificate_ids": ["CERT-X-1"]}],
                               "1")
    opened: list[int] = []
    w = InstantWaiter(store, CertificateDesk(store, lambda: opened.append(1)), hurry=lambda: None,
                      reachable=lambda: True, wait_s=10, clock=VirtualClock(), poll_s=0.001)
    assert w.wait_and_print(saved.submission_id, threading.Event()).outcome == "not_decided"
    assert opened == []                                 # the A4 printer was never even opened
    stop = threading.Event()
    stop.set()
    assert w.wait_and_print(saved.submission_id, stop).outcome == "stopped"
    store.close()
