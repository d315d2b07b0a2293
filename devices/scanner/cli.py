"""`main.py diag scan` (and, registered here too, `diag capture` and `diag a4`).

`diag scan` decodes image files, or watches a camera, and prints JSON lines.

Contract (one JSON object per line, UTF-8):
  images:  {"file": path, "text": str|null, "format": str|null, "ms": float}
           plus "texts": [...] and "formats": [...] when an image holds several codes,
           plus "error": "..." when the file cannot be read as an image.
  camera:  {"text": str, "format": str, "charset": str, "raw_hex": str, "parts": int} per new code.
Exit codes: 0 every image gave a code (camera: the source ended or was stopped), 1 some image gave
none, 3 a file or the camera could not be read, 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def register(commands: Any) -> None:
    sub = commands.group("diag", "设备诊断")
    p = sub.add_parser("scan", help="识别图片或摄像头中的二维码/条码，每个结果输出一行 JSON",
                       description="识别图片或摄像头中的二维码/条码，每个结果输出一行 JSON。")
    p.add_argument("images", nargs="*", metavar="图片", help="要识别的图片文件")
    p.add_argument("--camera", metavar="N", default=None,
                   help="实时识别：摄像头编号（0、1…），或视频/图片文件路径（模拟摄像头）")
    p.add_argument("--fps", type=float, default=15.0, help="模拟摄像头的帧率（默认 15）")
    p.add_argument("--decoder", default="ensemble", choices=("ensemble", "zxing", "zbar"),
                   help="解码器（默认 ensemble：zxing-cpp 为主，失败时多种补救）")
    p.set_defaults(handler=_run)
    # The camera room's other diagnostics: document capture and A4 printing.
    from devices.capture.cli import add_parser as add_capture
    from devices.printer.a4.cli import add_parser as add_a4

    add_capture(sub)
    add_a4(sub)


def _run(args: argparse.Namespace) -> int:
    if args.camera is None and not args.images:
        print("请给出图片文件，或用 --camera 指定摄像头编号", file=sys.stderr)
        return 2
    _quiet_opencv()
    try:
        from devices.scanner.decoders import DecoderUnavailable, make_decoder

        decoder = make_decoder(args.decoder)
    except DecoderUnavailable as exc:
        print(f"解码器不可用：{exc}", file=sys.stderr)
        return 3
    if args.camera is not None:
        return _camera(args, lambda: make_decoder(args.decoder))
    return _images(args.images, decoder)


def _quiet_opencv() -> None:
    """OpenCV's own English warnings (a missing camera, an unreadable file) would bury the Chinese
    message on stderr; this command reports those itself."""
    import cv2

    logging = getattr(getattr(cv2, "utils", None), "logging", None)
    if logging is not None:
        logging.setLogLevel(logging.LOG_LEVEL_ERROR)


def _images(paths: list[str], decoder: Any) -> int:
    import time

    from devices.images import ImageRefused, read_image

    status = 0
    for path in paths:
        line: dict[str, Any] = {"file": path, "text": None, "format": None, "ms": 0.0}
        try:
            gray = read_image(path, gray=True)  # the pixel cap is checked from the header first
        except ImageRefused as exc:
            line["error"] = str(exc)
            status = max(status, 3)
        else:
            start = time.perf_counter()
            symbols = decoder.decode(gray)
            line["ms"] = round((time.perf_counter() - start) * 1000, 2)
            if symbols:
                line["text"] = symbols[0].text
                line["format"] = symbols[0].format
                if len(symbols) > 1:
                    line["texts"] = [s.text for s in symbols]
                    line["formats"] = [s.format for s in symbols]
            else:
                status = max(status, 1)
        print(json.dumps(line, ensure_ascii=False), flush=True)
    return status


def _camera(args: argparse.Namespace, decoder_factory: Any) -> int:
    from pathlib import Path

    from devices.camera import CameraError
    from devices.camera.opencv import OpenCvCamera
    from devices.camera.simulator import SimulatedCamera
    from devices.scanner.worker import ScannerWorker

    spec = str(args.camera)
    try:
        if spec.isdigit():
            source: Any = OpenCvCamera(int(spec))
        else:
            source = SimulatedCamera([Path(spec)], fps=args.fps)
    except CameraError as exc:
        print(str(exc), file=sys.stderr)
        return 3
    errors: list[str] = []

    def on_code(symbol: Any) -> None:
        print(json.dumps({"text": symbol.text, "format": symbol.format, "charset": symbol.charset,
                          "raw_hex": symbol.raw.hex(), "parts": symbol.parts}, ensure_ascii=False),
              flush=True)

    worker = ScannerWorker(source, on_code, on_error=errors.append, decoder_factory=decoder_factory)
    worker.start()
    try:
        while not worker.wait(0.5):
            pass
    except KeyboardInterrupt:
        worker.stop()
        return 130
    for message in errors:
        print(message, file=sys.stderr)
    return 3 if errors else 0
