"""驿站自助终端的命令行入口 (the station kiosk's command line).

The one composition root for the command line: parse arguments, load the configuration, hand it to
the command. Each room contributes its commands through a `register(commands)` function in its own
`cli` module (listed in COMMAND_MODULES), so this file stays small and no room imports another's
command code. Heavy imports (Qt above all) happen inside the commands, so `main.py --help` and the
plain-Python commands start fast and work on a machine without a display.
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

# Modules with a `register(commands: Commands) -> None`. A room adds its line when its commands
# do something real; nothing is registered as a placeholder.
COMMAND_MODULES: list[str] = [
    "kiosk.ui.cli",
    "forms.cli",
    "devices.cli",
    "devices.scanner.cli",
    "devices.handwriting.cli",
    "devices.precheck.cli",
    "kiosk.station.cli",
    "sync.cli",
    "console.cli",
]
# Rooms a build may leave out: the station's frozen build (installer/pyinstaller) carries no fleet
# console, which runs on a county or province server; its commands are then simply not offered.
OPTIONAL_ROOMS: frozenset[str] = frozenset({"console"})


class _ChineseHelpFormatter(argparse.RawDescriptionHelpFormatter):
    """argparse's own words ("usage:", "options:") in Chinese, for station technicians."""

    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[override]
        return super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _ChineseHelpFormatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")
        self._optionals.title = "选项"
        self._positionals.title = "参数"

    def error(self, message: str) -> None:  # type: ignore[override]
        # One line, as every other mistake: the usage is one `--help` away.
        why = _translate_argparse(message)
        self.exit(2, f"{self.prog}：参数有误：{why}（用 {self.prog} --help 查看用法）\n")


def _translate_argparse(message: str) -> str:
    # "argument --timeout: <why>" -> "--timeout：<why>"
    message = re.sub(r"^argument ([^:]+): ", r"\1：", message)
    message = re.sub(r"not allowed with argument (\S+)", r"不能与 \1 同时使用", message)
    message = re.sub(r"one of the arguments (.+) is required", r"必须给出其中之一：\1", message)
    replacements = {
        "the following arguments are required": "缺少必填参数",
        "unrecognized arguments": "无法识别的参数",
        "invalid choice": "无效的选项",
        "expected one argument": "需要一个值",
        "invalid int value": "应为整数",
        "invalid float value": "应为数字",
        "choose from": "可选",
    }
    for english, chinese in replacements.items():
        message = message.replace(english, chinese)
    return message


class _CommandParser(_Parser):
    """A sub-command's parser: also takes `--config`, so `main.py kiosk --config station.toml` works."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_argument("--config", metavar="station.toml", type=Path, default=argparse.SUPPRESS,
                          help="配置文件（缺省时全部取默认值）")


class Commands:
    """What a room's `register` receives: the root sub-command table, and named groups.

    A group (`diag`, `platform`, `queue` …) is created on first use, so a group exists only once
    some room gives it a real command.
    """

    def __init__(self, root: argparse._SubParsersAction) -> None:
        self._root = root
        self._groups: dict[str, argparse._SubParsersAction] = {}

    def add(self, name: str, help: str,
            handler: Callable[[argparse.Namespace], int]) -> argparse.ArgumentParser:
        """A top-level command, e.g. `demo`. `handler(args)` returns the exit code."""
        parser = self._root.add_parser(name, help=help, description=help)
        parser.set_defaults(handler=handler)
        return parser

    def group(self, name: str, help: str) -> argparse._SubParsersAction:
        """The sub-command table of a group such as `diag`; make a command with `.add_parser`."""
        if name not in self._groups:
            parser = self._root.add_parser(name, help=help, description=help)
            parser.set_defaults(handler=lambda args, p=parser: _show_group_help(p))
            self._groups[name] = parser.add_subparsers(
                title="命令", metavar="命令", parser_class=_CommandParser)
        return self._groups[name]


def _show_group_help(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="main.py",
        description="乡镇/村政务服务驿站自助终端（一件事一次办，断网可用）。",
        epilog="示例：python main.py demo    python main.py screenshots --out shots",
    )
    from kiosk.station.version import app_version

    parser.add_argument("--version", action="version", version=f"station-kiosk {app_version()}",
                        help="显示版本号并退出")
    parser.set_defaults(app_version=app_version())    # for rooms that may not import kiosk (sync)
    parser.add_argument("--config", metavar="station.toml", type=Path,
                        help="配置文件（缺省时全部取默认值）")
    root = parser.add_subparsers(title="命令", metavar="命令", parser_class=_CommandParser)
    commands = Commands(root)
    for module_name in COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name not in OPTIONAL_ROOMS:
                raise
            continue
        module.register(commands)
    return parser


# The reader of our standard output went away (`main.py status | head -2`): a quiet exit with the
# status a shell gives a process killed by SIGPIPE (128 + 13), so `set -o pipefail` still sees it.
EXIT_PIPE_CLOSED = 141


def main(argv: list[str] | None = None) -> int:
    """Run one command; every command's closed stdout pipe ends here, quietly, for all rooms.

    Why here and not in each command: any print in any room can meet a closed pipe, and only one
    place sees them all. As the Python docs advise (signal module, "Note on SIGPIPE"), stdout is
    pointed at devnull so the interpreter's own flush at exit cannot raise a second time.
    """
    try:
        code = _run(argv)
        sys.stdout.flush()  # still inside the try: buffered output meets the closed pipe here
    except BrokenPipeError:
        _stdout_to_devnull()
        return EXIT_PIPE_CLOSED
    return code


def _stdout_to_devnull() -> None:
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # replaced by a test harness: nothing to redirect
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


def _run(argv: list[str] | None) -> int:
    from kiosk.station.config import ConfigError, defaults, load

    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        args.config = load(args.config) if args.config else defaults()
    except ConfigError as exc:
        print(f"配置错误：{exc}", file=sys.stderr)
        return 2
    try:
        return int(handler(args) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
