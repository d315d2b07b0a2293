"""`main.py diag handwriting FILE.json... [--json]`: recognise handwritten characters from files.

Each FILE is `{"width": W, "height": H, "strokes": [[[x, y], ...], ...]}` (pad pixels, y down,
strokes in the order written).

Contract with `--json`: one line per readable file, UTF-8,
  {"file": PATH, "candidates": ["字", ...] (best first, at least 10), "ms": recognition time}
Without `--json`: the same as a readable line, `PATH  字 字 字 …  （12.3 毫秒）`.
`ms` is the recognition alone; the models are loaded before the first file is timed.

Exit codes: 0 every file recognised; 3 some file could not be read (one Chinese sentence per file
on stderr; the other files are still done); 4 no recogniser is usable (the reasons on stderr);
2 wrong usage.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

EXIT_BAD_FILE = 3
EXIT_NO_RECOGNISER = 4


def register(commands: Any) -> None:
    sub = commands.group("diag", "设备诊断")
    p = sub.add_parser("handwriting", help="识别手写笔画文件，每个文件输出候选字",
                       description="识别手写笔画文件（JSON：width、height、strokes），每个文件输出一行候选字。"
                                   "退出码：0 全部识别；3 有文件无法读取；4 没有可用的识别引擎；2 参数错误。")
    p.add_argument("files", nargs="+", metavar="FILE.json", help="笔画文件")
    p.add_argument("--json", action="store_true", help="每个文件输出一行 JSON：file、candidates、ms")
    p.add_argument("--context", choices=("surname", "given_name", "name", "address", "text"),
                   default=None, help="字段类型，用于排序候选字（缺省：一般文字）")
    p.add_argument("--engine", choices=("combined", "templates", "zinnia"), default="combined",
                   help="识别引擎（缺省 combined：模板匹配与 Zinnia 结合）")
    p.add_argument("--count", type=int, default=10, help="候选字个数（至少 10，缺省 10）")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from devices.handwriting.ink import Ink, InkError
    from devices.handwriting.recogniser import open_recogniser
    from devices.handwriting.zinnia import ZinniaRecogniser

    if args.count < 10:
        print("--count 至少为 10。", file=sys.stderr)
        return 2
    recogniser = open_recogniser(use_zinnia=args.engine != "templates")
    status = recogniser.warm_up()
    zinnia_only = args.engine == "zinnia"
    if zinnia_only:
        zinnia = ZinniaRecogniser()
        state = zinnia.state()
        if not state.ready:
            print(f"手写识别引擎不可用：{state.reason}。", file=sys.stderr)
            return EXIT_NO_RECOGNISER
    elif not (status.templates if args.engine == "templates" else status.usable):
        print("手写识别引擎不可用：" + "；".join(status.problems) + "。", file=sys.stderr)
        return EXIT_NO_RECOGNISER
    code = 0
    for path in args.files:
        try:
            ink = Ink.from_json(_read(path))
        except InkError as exc:
            print(f"{path}：{exc}", file=sys.stderr)
            code = EXIT_BAD_FILE
            continue
        start = time.perf_counter()
        if zinnia_only:
            candidates = [c for c, _ in zinnia.classify(ink, args.count)]
        else:
            candidates = [c for c, _ in recogniser.scored(ink, args.context, args.count)]
        ms = round((time.perf_counter() - start) * 1000, 2)
        if args.json:
            line = {"file": path, "candidates": candidates, "ms": ms}
            print(json.dumps(line, ensure_ascii=False), flush=True)
        else:
            shown = " ".join(candidates) if candidates else "（空白，没有笔画）"
            print(f"{path}  {shown}  （{ms} 毫秒）", flush=True)
    return code


def _read(path: str) -> Any:
    from devices.handwriting.ink import InkError

    file = Path(path)
    if not file.is_file():
        raise InkError("文件不存在。")
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise InkError("文件不是 UTF-8 文本。") from exc
    except json.JSONDecodeError as exc:
        raise InkError(f"文件不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列）。") from exc
    except OSError as exc:
        raise InkError(f"文件无法读取（{exc.strerror}）。") from exc
