"""Bench commands for the ID card reader and the receipt printer (`main.py diag …`).

Output formats are a contract: `diag id-reader` prints exactly one JSON object on stdout and exits
0, or one Chinese sentence on stderr and exits 2 (no traceback) within the timeout plus 2 s.
Heavy imports happen inside the handlers so `main.py --help` stays fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

EXIT_FAILURE = 2

ID_FAULTS = ("no-card", "checksum", "noise", "fragmented", "slow", "sam-error", "unplug", "unplug-replug",
             "silent", "read-failed")


def register(commands) -> None:  # noqa: ANN001 - main.Commands; typed there
    sub = commands.group("diag", "设备诊断")
    p = sub.add_parser("id-reader", help="读一张身份证并输出一个 JSON 对象",
                       description="等待放置一张身份证，读出后在标准输出打印一个 JSON 对象；失败时退出码 2。")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--port", metavar="PATH", help="阅读器串口，如 /dev/ttyUSB0 或 COM3")
    where.add_argument("--sdk", metavar="LIB", help="厂商动态库路径（sdtapi 或 termb 风格）")
    where.add_argument("--simulate", action="store_true", help="启动模拟阅读器并从中读卡")
    p.add_argument("--sdk-style", choices=("sdtapi", "termb"), default="sdtapi", help="厂商库风格")
    p.add_argument("--baud", type=int, default=115200, help="波特率（缺省 115200）")
    p.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS", help="等待放卡的秒数（缺省 10）")
    p.add_argument("--card", default="resident", help="模拟时放置的卡：resident、hk_mo_tw、"
                   "foreign_permanent、foreign_2023，或样例名 resident_long_term、resident_zhang")
    p.add_argument("--fault", choices=ID_FAULTS, help="模拟时注入的故障")
    p.set_defaults(handler=_diag_id_reader)

    p = sub.add_parser("printer", help="打印样例凭条并报告打印机状态",
                       description="向凭条打印机（或模拟打印机）打印样例凭条，并用中文报告状态。")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--port", metavar="PATH", help="打印机串口、/dev/usb/lp0、host:9100 或文件路径")
    where.add_argument("--simulate", action="store_true", help="启动模拟打印机")
    p.add_argument("--sample", choices=("receipt", "status"), default="receipt",
                   help="receipt：打印样例凭条；status：只查询状态")
    p.add_argument("--baud", type=int, default=115200, help="串口波特率")
    p.add_argument("--width", type=int, choices=(58, 80), default=None, help="纸宽毫米（缺省取配置）")
    p.add_argument("--out", type=Path, help="模拟时把打印结果保存为 PNG")
    p.add_argument("--paper", choices=("ok", "near-end", "out", "cover-open", "offline", "cutter-error"),
                   default="ok", help="模拟打印机的纸张/机盖状态")
    p.set_defaults(handler=_diag_printer)


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return EXIT_FAILURE


def _diag_id_reader(args: argparse.Namespace) -> int:
    from devices.idcard.wait import wait_for_card

    if args.timeout <= 0:
        return _fail("--timeout 必须大于 0。")
    sim = None
    args.fault = getattr(args, "fault", None) if args.simulate else None
    try:
        if args.simulate:
            reader, sim = _simulated_reader(args)
            if isinstance(reader, str):
                return _fail(reader)
        elif args.sdk:
            from devices.idcard.sdk_backend import SdkIdReader

            reader = SdkIdReader(args.sdk, style=args.sdk_style)
        else:
            from devices.idcard.serial_backend import SerialIdReader

            reader = SerialIdReader(args.port, baud=args.baud)
        # A simulated unplug is followed by a replug: the reader must ride it out, not give up.
        result = wait_for_card(reader, args.timeout, fail_on_missing=args.fault != "unplug-replug")
    finally:
        if sim is not None:
            sim.stop()
    if isinstance(result, str):
        return _fail(result)
    print(json.dumps(result.as_diag_dict(), ensure_ascii=False))
    return 0


def _simulated_reader(args: argparse.Namespace):  # noqa: ANN202 - (reader | message, simulator)
    import threading

    from devices.idcard import codec
    from devices.idcard.samples import sample_cards
    from devices.idcard.serial_backend import SerialIdReader
    from devices.idcard.simulator import ReaderSimulator

    cards = sample_cards()
    if args.card not in cards:
        return f"没有名为 {args.card} 的样例卡。可选：{'、'.join(cards)}。", None
    sim = ReaderSimulator()
    sim.start()
    f = sim.faults
    match args.fault:
        case "checksum":
            f.corrupt_replies = 1_000_000
        case "noise":
            f.noise = bytes(range(0x20, 0x60))
        case "fragmented":
            f.fragment_size, f.fragment_delay = 7, 0.001
        case "slow":
            f.reply_delay = 0.05
        case "sam-error":
            f.sam_sw3 = codec.SW3_SAM_SELF_TEST
        case "silent":
            f.silent = True
        case "read-failed":
            f.read_sw3 = codec.SW3_READ_FAILED
        case "unplug" | "unplug-replug":
            f.unplug_during_read = True
    if args.fault != "no-card":
        sim.place(cards[args.card])
    if args.fault == "unplug-replug":  # plugged back a moment later: the reader must recover and read
        threading.Timer(0.5, sim.replug).start()
    return SerialIdReader(sim.path, baud=args.baud), sim


def _diag_printer(args: argparse.Namespace) -> int:
    from devices.printer.diag import run_printer_diag

    width = args.width or int(args.config.get("devices", "receipt_width_mm"))
    return run_printer_diag(args, width_mm=width, station_name=args.config.get("station", "name"),
                            hotline=args.config.get("station", "hotline"))
