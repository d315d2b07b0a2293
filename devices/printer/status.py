"""Real-time printer status (DLE EOT 1–4) parsed into a small tagged union. Pure.

Why a union and a strict parser: the kiosk must not start a receipt into an open cover or an empty
roll, and must not believe a printer that says nothing (python-escpos's `paper_status()` reads
silence as "plenty of paper"). Every status byte has fixed bits (bit 1 and bit 4 set, bits 0 and 7
clear); a byte without them is not a status, so it counts as no answer.
"""

from __future__ import annotations

from dataclasses import dataclass

STATUS_QUERIES = (1, 2, 3, 4)


@dataclass(frozen=True)
class StatusOk:
    message: str = "打印机正常"
    can_print: bool = True


@dataclass(frozen=True)
class PaperNearEnd:
    message: str = "凭条纸即将用完，请工作人员及时更换"
    can_print: bool = True


@dataclass(frozen=True)
class PaperOut:
    message: str = "凭条打印机缺纸，请联系工作人员"
    can_print: bool = False


@dataclass(frozen=True)
class CoverOpen:
    message: str = "凭条打印机机盖未关好，请联系工作人员"
    can_print: bool = False


@dataclass(frozen=True)
class Offline:
    message: str = "凭条打印机处于离线状态，请联系工作人员"
    can_print: bool = False


@dataclass(frozen=True)
class CutterError:
    message: str = "凭条打印机切刀故障，请联系工作人员"
    can_print: bool = False


@dataclass(frozen=True)
class NoAnswer:
    message: str = "凭条打印机无应答，请检查电源和连接线"
    can_print: bool = False


PrinterStatus = StatusOk | PaperNearEnd | PaperOut | CoverOpen | Offline | CutterError | NoAnswer


def _valid(byte: int) -> bool:
    return byte & 0b1001_0011 == 0b0001_0010


def parse_status(replies: bytes) -> PrinterStatus:
    """The four reply bytes of DLE EOT 1, 2, 3, 4 (in that order) → one status.

    Fewer than four bytes, or any byte without the fixed bits, is `NoAnswer`: a status we cannot
    trust is treated like silence. The worst condition wins: cover open, paper out, cutter error,
    other offline causes, then the paper-near-end warning.
    """
    if len(replies) < 4:
        return NoAnswer() if not replies else NoAnswer("凭条打印机应答不完整，请检查连接线")
    printer, offline, error, paper = replies[-4:]
    if not all(_valid(b) for b in (printer, offline, error, paper)):
        return NoAnswer("凭条打印机应答无法识别，请检查波特率和连接线")
    if offline & 0x04:
        return CoverOpen()
    if paper & 0x60 or offline & 0x20:
        return PaperOut()
    if error & 0x08:
        return CutterError()
    if printer & 0x08 or error & 0x60 or offline & 0x40:
        return Offline()
    if paper & 0x0C:
        return PaperNearEnd()
    return StatusOk()


def status_bytes(*, cover_open: bool = False, paper_out: bool = False, near_end: bool = False,
                 cutter_error: bool = False, offline: bool = False) -> bytes:
    """What a printer in this state answers to DLE EOT 1, 2, 3, 4 (the simulator's side)."""
    base = 0x12
    printer = base | (0x08 if (offline or cover_open or paper_out or cutter_error) else 0)
    off = base | (0x04 if cover_open else 0) | (0x20 if paper_out else 0) | (0x40 if cutter_error else 0)
    err = base | (0x08 if cutter_error else 0)
    paper = base | (0x0C if (near_end or paper_out) else 0) | (0x60 if paper_out else 0)
    return bytes([printer, off, err, paper])
