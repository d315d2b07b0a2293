"""`main.py diag precheck PHOTO... [--expect-name 名字] [--expect-id 号码] [--expect-type 类型] [--json]`

Pre-checks document-camera photos the way the kiosk will: find and flatten the paper, read it,
say what it is, whose it is and whether it can be read. With --json, one JSON line per photo:
{"file", "doc_type", "confidence", "fields", "mismatch", "findings", "ms"}; without, one line of
plain Chinese per photo.

Exit codes: 0 every photo was checked and none has a finding; 1 some photo has a finding (a
mismatch, the wrong paper, a part that cannot be read); 2 the arguments are wrong; 3 some file is
missing, is not a picture or is too large (one sentence each on stderr; the others are still
checked); 4 the OCR component is not installed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from devices.precheck.doc_types import DOC_TYPES

EXIT_FINDINGS, EXIT_ARGS, EXIT_FILE, EXIT_ENGINE = 1, 2, 3, 4
MAX_FILE_BYTES = 60_000_000


def register(commands: Any) -> None:
    sub = commands.group("diag", "设备诊断")
    p = sub.add_parser(
        "precheck",
        help="材料智能预审：识别照片里是什么材料、是谁的、能不能看清",
        description="对高拍仪照片做智能预审（离线 OCR）：判断材料种类，读出姓名、身份证号码等，"
        "与预期的姓名/号码比对。结果只是提醒，不替代人工审核。",
    )
    p.add_argument("photos", nargs="+", metavar="照片", help="高拍仪拍下的照片（JPEG/PNG）")
    p.add_argument("--expect-name", metavar="姓名", help="材料上主要人员应有的姓名")
    p.add_argument("--expect-id", metavar="身份证号码", help="材料上主要人员应有的身份证号码")
    p.add_argument(
        "--expect-type", choices=DOC_TYPES, metavar="种类", help="应当是哪种材料：" + "、".join(DOC_TYPES)
    )
    p.add_argument("--json", action="store_true", help="每张照片输出一行 JSON")
    p.add_argument("--page", action="store_true", help="照片已是裁切拉正后的页面，不再寻找纸张边缘")
    p.add_argument("--threads", type=int, default=2, help="识别用的线程数（缺省 2）")
    p.set_defaults(handler=run)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    from devices.precheck.checker import Expectation, ExpectedPerson, open_precheck
    from devices.precheck.ocr import OcrUnavailable
    from devices.precheck.page import BadImage
    from forms.validators import check_id_number, normalise_id_number

    expect_id = normalise_id_number(args.expect_id) if args.expect_id else None
    if expect_id and check_id_number(expect_id) is not None:
        _say(f"--expect-id 不是有效的身份证号码：{check_id_number(expect_id)}")
        return EXIT_ARGS
    if args.expect_name is not None and not args.expect_name.strip():
        _say("--expect-name 不能是空的。")
        return EXIT_ARGS
    if not 1 <= args.threads <= 16:
        _say("--threads 应在 1 到 16 之间。")
        return EXIT_ARGS
    people = ()
    if args.expect_name or expect_id:
        people = (ExpectedPerson("main", args.expect_name.strip() if args.expect_name else None, expect_id),)
    expectation = Expectation(args.expect_type, people)
    checker = open_precheck(threads=args.threads)
    status = 0
    for name in args.photos:
        path = Path(name)
        try:
            if not path.is_file():
                raise BadImage(f"找不到文件 {name}。")
            if path.stat().st_size > MAX_FILE_BYTES:
                raise BadImage(f"文件 {name} 太大（超过 {MAX_FILE_BYTES // 1_000_000} MB），不像是一张照片。")
            result = checker.check(path.read_bytes(), expectation, photo=not args.page)
        except BadImage as exc:
            text = str(exc)
            _say(text if name in text else f"{name}：{text}")
            status = max(status, EXIT_FILE)
            continue
        except OSError as exc:
            _say(f"无法读取 {name}：{exc.strerror or '读取失败'}。")
            status = max(status, EXIT_FILE)
            continue
        except OcrUnavailable as exc:
            _say(str(exc))
            return EXIT_ENGINE
        line = {
            "file": name,
            "doc_type": result.doc_type,
            "confidence": round(result.confidence, 3),
            "fields": result.fields,
            "mismatch": result.mismatch,
            "findings": result.findings,
            "ms": result.ms,
        }
        if args.json:
            print(json.dumps(line, ensure_ascii=False), flush=True)
        else:
            print(_plain(line), flush=True)
        if result.findings and status == 0:
            status = EXIT_FINDINGS
    return status


def _plain(line: dict[str, Any]) -> str:
    from devices.precheck.match import mask_name
    from devices.precheck.understand import DOC_LABELS

    parts = [
        f"{line['file']}：{DOC_LABELS.get(line['doc_type'], line['doc_type'])}"
        f"（把握 {line['confidence']:.0%}）"
    ]
    fields = line["fields"]
    if fields.get("name"):
        parts.append(f"姓名 {mask_name(fields['name'])}")
    if fields.get("id_number"):
        parts.append(f"身份证号码尾号 {fields['id_number'][-4:]}")
    if line["mismatch"] is True:
        parts.append("与预期不一致")
    elif line["mismatch"] is False:
        parts.append("与预期一致")
    parts += line["findings"]
    parts.append(f"{line['ms']} 毫秒")
    return "；".join(parts)
