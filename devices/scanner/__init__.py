"""QR code and barcode scanning from a camera (plain Python, no Qt).

Parts: `text` (bytes -> text, ECI / UTF-8 / GB18030), `decoders` (zxing-cpp, ZBar), `ensemble`
(zxing-cpp first, rescue passes within a time budget), `tracker` (each code once while in view),
`worker` (the scanning thread; the cameras themselves are devices.camera's), `cli` (`main.py diag scan`).
"""

from devices.scanner.decoders import DecoderUnavailable, ZbarDecoder, ZxingDecoder, make_decoder
from devices.scanner.ensemble import EnsembleDecoder
from devices.scanner.tracker import SeenTracker
from devices.scanner.types import FrameScan, Symbol
from devices.scanner.worker import ScannerWorker

__all__ = [
    "DecoderUnavailable", "EnsembleDecoder", "FrameScan", "ScannerWorker", "SeenTracker", "Symbol",
    "ZbarDecoder", "ZxingDecoder",
    "make_decoder",
]
