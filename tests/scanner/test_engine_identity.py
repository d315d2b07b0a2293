"""Both scan-engine modes hand identification the same `Symbol` the camera does: a 辽事通 identity
code read through an engine verifies offline and names the resident (the view-model reads
`symbol.raw` with `sync.identity_code.read`, as kiosk/ui/viewmodels/scan.py does for the camera)."""

from __future__ import annotations

import queue

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from devices.scanner.engine import EngineReader
from devices.scanner.engine_sim import ScanEngineSimulator
from devices.scanner.wedge import WedgeDetector, engine_key_events
from sync import identity_code
from sync.signing import raw_public

NOW = 1_795_000_000.0
KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
PUBLIC = raw_public(KEY.public_key())


def _code() -> str:
    return identity_code.issue(KEY, name="王喆", id_number="11010519491231002X", now=NOW)


def test_usb_com_engine_identifies_the_resident(tmp_path):
    link = tmp_path / "scanner"
    codes: queue.Queue = queue.Queue()
    ready: queue.Queue = queue.Queue()
    with ScanEngineSimulator(link, encoding="gbk") as engine:
        reader = EngineReader(str(link), "gbk", on_code=codes.put,
                              on_status=lambda s: ready.put(s) if s.state == "ready" else None)
        reader.start()
        try:
            ready.get(timeout=10)
            engine.scan(_code(), piece=64, pause=0.002)     # a long code, in USB packets
            symbol = codes.get(timeout=10)
        finally:
            reader.stop()
    person = identity_code.read(symbol.raw, PUBLIC, NOW + 5)
    assert (person.name, person.id_number) == ("王喆", "11010519491231002X")


def test_keyboard_wedge_engine_identifies_the_resident():
    detector = WedgeDetector("gbk")
    found = []
    for event in engine_key_events(_code(), "gbk", 100.0, 0.002, "Enter"):
        decision = detector.feed(event.text, event.timestamp, key=event.key, alt=event.alt,
                                 keypad=event.keypad, released=event.released)
        assert not decision.release               # nothing typed into the focused field
        if decision.code is not None:
            found.append(decision.code)
    assert len(found) == 1
    person = identity_code.read(found[0].raw, PUBLIC, NOW + 5)
    assert (person.name, person.id_number) == ("王喆", "11010519491231002X")
