"""Commands of the Qt layer: `demo`, `kiosk`, `screenshots` and `exercise`; and the guides of
issue 18 in the catalogue group: `catalogue sample-form` (样表 as A4 PDF), `catalogue photos` (样例
photos) and `catalogue video` (the narrated guide, made from the kiosk's own screens)."""

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

    _register_guides(commands)

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


def _bundle_or_none(config, bundle_id: str):  # noqa: ANN001, ANN202 - (Catalogue, Bundle) or None
    from forms import load_catalogue
    from forms.errors import FormsError

    catalogue = load_catalogue()
    try:
        return catalogue, catalogue.bundle(bundle_id)
    except (FormsError, KeyError):
        ids = "、".join(b.id for b in catalogue.bundles)
        print(f"没有编号为“{bundle_id}”的一件事，可选：{ids}。", file=sys.stderr)
        return None


def _sample_form(args: argparse.Namespace) -> int:
    from kiosk.station.guides import render_sample_form

    found = _bundle_or_none(args.config, args.bundle)
    if found is None:
        return 2
    pdf = render_sample_form(args.bundle, args.config.get("station", "name"), catalogue=found[0])
    try:
        args.pdf.write_bytes(pdf)
    except OSError as exc:
        print(f"无法写入 {args.pdf}：{exc.strerror}，请换一个位置。", file=sys.stderr)
        return 2
    print(args.pdf)
    return 0


def _photos(args: argparse.Namespace) -> int:
    from forms import load_catalogue
    from kiosk.station.guides import ensure_all_photos, photo_cache_dir

    out = args.out or photo_cache_dir(args.config.data_dir)
    try:
        count = ensure_all_photos(out, load_catalogue().bundles)
    except OSError as exc:
        print(f"无法写入样例照片目录 {out}：{exc.strerror}，请换一个位置。", file=sys.stderr)
        return 2
    print(f"{out}：{count} 张样例照片")
    return 0


def _video(args: argparse.Namespace) -> int:
    import shutil
    import tempfile

    from kiosk.ui.guide_video import export_video, write_guide

    if args.out is None and args.frames is None:
        print("请用 --out 文件.mp4 指定视频文件，或用 --frames 目录 只生成画面。", file=sys.stderr)
        return 2
    if _bundle_or_none(args.config, args.bundle) is None:
        return 2
    folder = args.frames or Path(tempfile.mkdtemp(prefix="kiosk-guide-frames-")) / args.bundle
    try:
        slides = write_guide(args.config, args.bundle, folder, size=args.size, large_text=args.large_text)
        if args.out is None:
            print(f"{folder}：{len(slides)} 段")
            return 0
        facts = export_video(folder, args.out)
    except OSError as exc:
        print(f"无法写入 {args.out or folder}：{exc.strerror or exc}，请换一个位置。", file=sys.stderr)
        return 2
    finally:
        if args.frames is None:
            shutil.rmtree(folder.parent, ignore_errors=True)
    print(f"{args.out}：{facts['slides']} 段，{facts['seconds']} 秒，{facts['size']}")
    if not facts["narrated"]:
        print("本机没有 espeak-ng，视频没有配音（字幕在画面里）；安装 espeak-ng 后再生成一次。",
              file=sys.stderr)
        return 1
    return 0


def _register_guides(commands) -> None:  # noqa: ANN001 - main.Commands
    sub = commands.group("catalogue", "事项目录")
    text = "生成一件事的填写样表（A4 PDF，示例答案）"
    p = sub.add_parser("sample-form", help=text, description=text)
    p.add_argument("bundle", metavar="BUNDLE", help="一件事编号，如 newborn")
    p.add_argument("--pdf", type=Path, required=True, metavar="FILE.pdf", help="输出的 PDF 文件")
    p.set_defaults(handler=_sample_form)

    text = "生成全部材料的样例照片（这样拍），缺省放在数据目录"
    p = sub.add_parser("photos", help=text, description=text)
    p.add_argument("--out", type=Path, metavar="目录", help="输出目录（缺省：数据目录/guides/examples）")
    p.set_defaults(handler=_photos)

    text = "生成一件事的办事小视频（真实界面 + 语音提示 + 字幕）"
    p = sub.add_parser("video", help=text, description=text)
    p.add_argument("bundle", metavar="BUNDLE", help="一件事编号，如 newborn")
    p.add_argument("--out", type=Path, metavar="FILE.mp4", help="输出的视频文件（H.264 + AAC 配音）")
    p.add_argument("--frames", type=Path, metavar="目录",
                   help="只生成画面和字幕（guide.json），供自助终端播放")
    p.add_argument("--size", type=_size, default=(1080, 1920), metavar="宽x高",
                   help="1080x1920（竖屏，默认）或 1920x1080（横屏）")
    p.add_argument("--large-text", action="store_true", help="大字模式")
    p.set_defaults(handler=_video)
