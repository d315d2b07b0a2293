"""`main.py diag capture`: run document capture on photos, write the pages, say what to fix.

One JSON line per image: {"file", "found", "advice": [...], "blur", "glare", "jpeg", "bytes"};
with --pdf, the found pages also go into one PDF. Exit 0 when every page is good, 1 when some page
needs retaking (see "advice"), 3 when a file cannot be read or written.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def add_parser(sub: Any) -> None:
    p = sub.add_parser("capture", help="高拍仪诊断：从照片中找出材料、拉正、检查清晰度和反光",
                       description="高拍仪诊断：从照片中找出材料、拉正裁切、检查清晰度和反光，"
                                   "输出 JPEG/PDF。")
    p.add_argument("images", nargs="+", metavar="图片", help="高拍仪拍下的照片")
    p.add_argument("--preset", default="a4", choices=("a4", "idcard_front", "idcard_back", "household_page"),
                   help="材料类型（默认 a4）")
    p.add_argument("--out", type=Path, default=Path("."), help="输出文件夹（默认当前文件夹）")
    p.add_argument("--pdf", default=None, metavar="文件名", help="把找到的页面合成一个 PDF")
    p.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from devices.capture import CaptureOutputError, capture, pages_to_pdf, preset
    from devices.images import ImageRefused, read_image

    target = preset(args.preset)
    status = 0
    pages: list[bytes] = []
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError:
        print(f"无法创建输出文件夹 {args.out}（路径被文件占用、只读或没有权限）。", file=sys.stderr)
        return 3
    for path in args.images:
        try:
            frame = read_image(path)  # the pixel cap is checked from the header first
        except ImageRefused as exc:
            print(json.dumps({"file": path, "error": str(exc)}, ensure_ascii=False))
            status = 3
            continue
        result = capture(frame, target)
        line: dict[str, Any] = {"file": path, "found": result.quad is not None,
                                "advice": list(result.quality.advice),
                                "blur": round(result.quality.blur, 1),
                                "glare": round(result.quality.glare, 4),
                                "jpeg": None, "bytes": 0}
        if result.jpeg:
            out = args.out / f"{Path(path).stem}-{target.name}.jpg"
            try:
                out.write_bytes(result.jpeg)
            except OSError:
                print(f"无法写入 {out}（磁盘已满、只读或没有权限）。", file=sys.stderr)
                return 3
            line.update(jpeg=str(out), bytes=len(result.jpeg))
            pages.append(result.jpeg)
        if not result.quality.ok:
            status = max(status, 1)
        print(json.dumps(line, ensure_ascii=False), flush=True)
    if args.pdf and pages:
        try:
            (args.out / args.pdf).write_bytes(pages_to_pdf(pages))
        except CaptureOutputError as exc:
            print(f"PDF 写入失败：{exc}", file=sys.stderr)
            return 3
        except OSError:
            print(f"PDF 写入失败：无法写入 {args.out / args.pdf}（磁盘已满、只读或没有权限）。",
                  file=sys.stderr)
            return 3
    return status
