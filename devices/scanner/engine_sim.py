"""A scan engine in USB-COM mode on a pseudo-terminal, sending codes byte for byte as the hardware.

Why a pty: `EngineReader` opens a real tty path with pyserial, so the same code path (termios,
partial reads, the port vanishing) runs against the simulator and against an engine. `scan()`
sends a code the way the engine's settings say: GBK (GB18030) or UTF-8 bytes, then CR, LF or
CRLF, optionally in pieces with pauses (a slow USB-serial chip); `unplug()`/`replug()` come from
`PtyDevice`. What the host writes (some engines take setting commands) is ignored.
"""

from __future__ import annotations

import os
import time

from devices.pty_pair import PtyDevice

TERMINATORS = {"cr": b"\r", "lf": b"\n", "crlf": b"\r\n"}


class ScanEngineSimulator(PtyDevice):
    """Start with `start()` (or as a context manager); `path` is the port the host opens."""

    THREAD_NAME = "scan-engine simulator"

    def __init__(self, link_path: str | os.PathLike[str] | None = None, *, encoding: str = "gbk",
                 terminator: str = "crlf") -> None:
        super().__init__(link_path)
        self.encoding = encoding
        self.terminator = terminator
        self.sent = 0

    def scan(self, text: str, *, encoding: str | None = None, terminator: str | None = None,
             piece: int = 0, pause: float = 0.0) -> bytes:
        """Send one code as the engine would after reading it; returns the bytes sent. Raises
        `OSError` when unplugged (there is no line to send on)."""
        codec = {"gbk": "gb18030", "utf-8": "utf-8"}[encoding or self.encoding]
        wire = text.encode(codec) + TERMINATORS[terminator or self.terminator]
        self.send_bytes(wire, piece=piece, pause=pause)
        return wire

    def send_bytes(self, wire: bytes, *, piece: int = 0, pause: float = 0.0) -> None:
        """Raw bytes onto the line (also for noise, or a code cut off by an unplug)."""
        step = piece or len(wire) or 1
        for start in range(0, len(wire), step):
            with self._lock:
                master = self._master
                if master is None:
                    raise OSError("扫码模块模拟器未插入")
                os.write(master, wire[start:start + step])
                self.sent += len(wire[start:start + step])
            if pause and start + step < len(wire):
                time.sleep(pause)

    def _received(self, master: int, data: bytes) -> None:
        """Setting commands from the host are not simulated."""
