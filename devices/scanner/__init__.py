"""QR code and barcode scanning from a camera or an embedded scan engine (plain Python, no Qt).

Parts: `text` (bytes -> text, ECI / UTF-8 / GB18030), `decoders` (zxing-cpp, ZBar), `ensemble`
(zxing-cpp first, rescue passes within a time budget), `tracker` (each code once while in view),
`worker` (the scanning thread; the cameras themselves are devices.camera's), `engine` (scan
engines in USB-COM mode), `engine_sim` (one on a pty), `wedge` (scan engines in HID keyboard-wedge
mode), `cli` (`main.py diag scan`, `diag scanner`).
"""

from devices.scanner.decoders import DecoderUnavailable, ZbarDecoder, ZxingDecoder, make_decoder
from devices.scanner.engine import EngineReader, EngineStatus, LineFramer, decode_code
from devices.scanner.ensemble import EnsembleDecoder
from devices.scanner.tracker import SeenTracker
from devices.scanner.types import FrameScan, Symbol
from devices.scanner.wedge import Decision, WedgeDetector, WedgeKey
from devices.scanner.worker import ScannerWorker

__all__ = [
    "Decision", "DecoderUnavailable", "EngineReader", "EngineStatus", "EnsembleDecoder", "FrameScan",
    "LineFramer", "ScannerWorker", "SeenTracker", "Symbol", "WedgeDetector", "WedgeKey", "ZbarDecoder",
    "ZxingDecoder", "decode_code", "make_decoder",
]
