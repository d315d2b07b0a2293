"""`main.py exercise`: the exerciser from the command line (see kiosk/ui/exerciser/__init__.py).

Exit codes: 0 no violation (self-test: every plant caught); 1 violations found (self-test: a plant
missed); 2 bad arguments (argparse, one Chinese sentence).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile

KIND_NAMES = {
    "exception": "未捕获的异常", "qt_warning": "Qt/QML 警告", "dead_control": "按了没反应",
    "layout_jump": "按钮在手指下移动", "no_way_back": "没有返回或首页",
    "personal_data_after_wipe": "结束后仍留有个人信息", "duplicate_delivery": "重复上报",
    "not_delivered": "没有上报",
}


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为正整数，现在是 {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("应大于 0")
    return value


def _seed(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"种子应为整数，现在是 {text!r}") from None


def register(commands, size_type) -> None:  # noqa: ANN001 - main.Commands, kiosk.ui.cli._size
    run = commands.add("exercise", "随机操作演示终端，每一步检查：异常、按了没反应、按钮移动、"
                                   "返回和首页、结束后信息清除、重复上报", main)
    run.add_argument("--seed", type=_seed, default=1, metavar="N",
                     help="随机种子（同一种子同一步数可完全复现）")
    run.add_argument("--taps", type=_positive, default=500, metavar="N", help="操作步数（默认 500）")
    run.add_argument("--size", type=size_type, default=(1080, 1920), metavar="宽x高",
                     help="1080x1920（竖屏，默认）或 1920x1080（横屏）")
    run.add_argument("--large-text", action="store_true", help="一开始就是大字模式")
    run.add_argument("--agent", action="store_true", help="一开始就以代办员身份登录")
    run.add_argument("--json", action="store_true", help="最后输出一个 JSON 对象")
    run.add_argument("--self-test", action="store_true", help="逐一植入六类故障，检查每一类都能被发现")
    run.add_argument("--trace", action="store_true", help="每一步在标准错误输出一行（调试用）")


def main(args: argparse.Namespace) -> int:
    from kiosk.ui.app import prepare_environment

    prepare_environment(headless=True)
    # The pinyin keyboard keeps a user dictionary under XDG_CONFIG_HOME: a throw-away one here.
    os.environ.setdefault("XDG_CONFIG_HOME", tempfile.mkdtemp(prefix="kiosk-exercise-config-"))
    logging.getLogger("qt").propagate = False      # Qt's messages are counted, not printed
    logging.getLogger().setLevel(logging.CRITICAL)
    trace = (lambda line: print(line, file=sys.stderr, flush=True)) if args.trace else None
    if args.self_test:
        from kiosk.ui.exerciser.plants import self_test

        planted = self_test(trace)
        if args.json:
            print(json.dumps({"planted": planted}, ensure_ascii=False))
        else:
            for kind, outcome in planted.items():
                print(f"{KIND_NAMES.get(kind, kind)}：{'已发现' if outcome == 'caught' else '未发现'}")
        return 0 if all(v == "caught" for v in planted.values()) else 1

    from kiosk.ui.exerciser.runner import Exerciser

    exerciser = Exerciser(args.seed, size=args.size, large_text=args.large_text, agent=args.agent)
    exerciser.trace = trace
    try:
        report = exerciser.run(args.taps)
    finally:
        exerciser.close()
    result = report.as_dict()
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(f"种子 {report.seed}，{report.steps_done} 步，{result['taps_per_second']} 步/秒；"
              f"到过 {len(report.screens_visited)}/{report.screens_total} 个界面；"
              f"保存 {report.saved} 份申请，平台收到 {report.delivered} 份")
        for v in report.violations:
            print(f"第 {v.step} 步 [{KIND_NAMES.get(v.kind, v.kind)}] {v.screen}：{v.detail}")
        if not report.violations:
            print("没有发现问题。")
    return 1 if report.violations else 0
