"""`main.py diag a4`: print a sample notice or receipt and report how the job ended.

Output: one JSON line {"printer", "job_id", "state", "message", "file"}; exit 0 when the job
completed, 3 when the printer does not exist or CUPS cannot be reached, 4 when the job failed or
got stuck (paper out, offline …; the message says which).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def add_parser(sub: Any) -> None:
    p = sub.add_parser("a4", help="A4 打印机诊断：打印一张样张并报告结果",
                       description="A4 打印机诊断：打印一张样张（通知书或回执）并跟踪到打印结束。")
    p.add_argument("--printer", default=None,
                   help="CUPS 打印机名；pdf 表示写入文件夹（缺省取配置 devices.a4_printer）")
    p.add_argument("--sample", default="notice", choices=("notice", "receipt"), help="样张种类")
    p.add_argument("--out", type=Path, default=None, help="printer 为 pdf 时写入的文件夹")
    p.add_argument("--server", default=None, help="CUPS 服务地址（套接字路径或 主机:端口），缺省自动")
    p.add_argument("--timeout", type=float, default=120.0, help="等待打印完成的秒数")
    p.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from devices.printer.a4 import PrinterNotFound, PrintError, open_a4_printer
    from devices.printer.a4.render import NoticeRenderer
    from devices.printer.a4.samples import SAMPLES

    setting = args.printer or args.config.get("devices", "a4_printer")
    folder = args.out or (args.config.data_dir / "prints")
    printer = open_a4_printer(setting, folder, server=args.server)
    pdf = NoticeRenderer().render(SAMPLES[args.sample]())
    try:
        job = printer.submit(pdf, f"样张-{args.sample}")
    except PrinterNotFound as exc:
        print(str(exc), file=sys.stderr)
        return 3
    except PrintError as exc:
        print(str(exc), file=sys.stderr)
        return 3
    outcome = printer.follow(job, timeout_s=args.timeout)
    print(json.dumps({"printer": job.printer, "job_id": job.job_id, "state": outcome.state,
                      "message": outcome.message, "file": str(job.path) if job.path else None},
                     ensure_ascii=False), flush=True)
    if not outcome.done:
        message = outcome.message
        if outcome.state == "stuck" and hasattr(printer, "cancel"):
            try:  # a diagnostic page must not come out hours later, unattended
                printer.cancel(job)
                message += "（样张任务已取消）"
            except (PrintError, OSError):
                pass
        print(message, file=sys.stderr)
        return 4
    return 0
