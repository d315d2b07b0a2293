"""Commands of the Qt layer: `demo`, `kiosk`, `screenshots` and `exercise`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"尺寸应写成 宽x高，例如 1080x1920，现在是 {text!r}") from None
    if (width, height) not in {(1080, 1920), (1920, 1080)}:
        raise argparse.ArgumentTypeError("尺寸只能是 1080x1920（竖屏）或 1920x1080（横屏）")
    return width, height


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为秒数，现在是 {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("秒数应大于 0")
    return value


def _demo(args: argparse.Namespace) -> int:
    from kiosk.station.demo import demo_config
    from kiosk.ui.app import run

    config = demo_config(args.config, args.data_dir)
    print(f"演示模式：模拟设备，本机参考平台；数据目录 {config.data_dir}", file=sys.stderr)
    return run(config, fullscreen=False, exit_after=args.exit_after, demo=True)


def _kiosk(args: argparse.Namespace) -> int:
    from kiosk.station.composition import SimulatorRefused, check_no_simulators
    from kiosk.ui.app import run

    try:
        check_no_simulators(args.config)
    except SimulatorRefused as exc:
        print(f"配置错误：{exc}", file=sys.stderr)
        return 2
    fullscreen = args.config.get("ui", "fullscreen") and not args.windowed
    return run(args.config, fullscreen=fullscreen, exit_after=args.exit_after)


def _screenshots(args: argparse.Namespace) -> int:
    from kiosk.ui.screenshots import write_screenshots

    try:
        written = write_screenshots(args.config, args.out, size=args.size, large_text=args.large_text)
    except OSError as exc:
        print(f"无法写入截图目录 {args.out}：{exc.strerror}", file=sys.stderr)
        return 2
    for path in written:
        print(path)
    return 0


def _preview(args: argparse.Namespace) -> int:
    from forms.errors import CatalogueError, FormsError
    from forms.workbook import WorkbookError, WorkbookProblems, open_bundle

    try:
        opened = open_bundle(args.bundle)
    except (WorkbookProblems, CatalogueError) as exc:
        print(f"一件事有 {len(exc.problems)} 处问题，请改好后再预览：", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    except (WorkbookError, FormsError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    from kiosk.ui.preview import write_preview

    try:
        written = write_preview(args.config, opened, args.out, size=args.size, large_text=args.large_text)
    except OSError as exc:
        print(f"无法写入预览目录 {args.out}：{exc.strerror}", file=sys.stderr)
        return 2
    for path in written:
        print(path)
    return 0


def register(commands) -> None:  # noqa: ANN001 - main.Commands
    demo = commands.add("demo", "演示模式：窗口显示，模拟设备，本机参考平台，无需任何硬件", _demo)
    demo.add_argument("--exit-after", type=_positive_seconds, metavar="秒",
                      help="运行指定秒数后自动退出（用于无人值守检查）")
    demo.add_argument("--data-dir", type=Path, metavar="目录",
                      help="演示数据目录（缺省为临时目录，退出后删除）")

    kiosk = commands.add("kiosk", "自助终端模式：按配置连接真实设备与省平台，全屏运行", _kiosk)
    kiosk.add_argument("--windowed", action="store_true", help="窗口显示（调试用）")
    kiosk.add_argument("--exit-after", type=_positive_seconds, metavar="秒", help="运行指定秒数后退出")

    shots = commands.add("screenshots", "为每个界面生成一张截图（示例数据）", _screenshots)
    shots.add_argument("--out", type=Path, required=True, metavar="目录", help="截图输出目录")
    shots.add_argument("--size", type=_size, default=(1080, 1920), metavar="宽x高",
                       help="1080x1920（竖屏，默认）或 1920x1080（横屏）")
    shots.add_argument("--large-text", action="store_true", help="大字模式")

    from kiosk.ui.exerciser.command import register as register_exercise

    register_exercise(commands, _size)

    # The forms room owns `catalogue`, but drawing screens needs Qt: the preview lives here, in the
    # same group, so `forms` never imports `kiosk`.
    text = "把一件事画成群众看到的各屏截图（办理须知、每个问题、材料、核对），填好示例答案"
    preview = commands.group("catalogue", "事项目录").add_parser("preview", help=text, description=text)
    preview.add_argument("bundle", metavar="BUNDLE",
                         help="一件事编号，或编写工作簿（.xlsx）、一件事 JSON 文件")
    preview.add_argument("--out", type=Path, required=True, metavar="目录", help="截图输出目录")
    preview.add_argument("--size", type=_size, default=(1080, 1920), metavar="宽x高",
                         help="1080x1920（竖屏，默认）或 1920x1080（横屏）")
    preview.add_argument("--large-text", action="store_true", help="大字模式")
    preview.set_defaults(handler=_preview)
