"""`console add-user`: make (or reset) a console staff account.

Why a command and not a page: the first province account has to exist before anyone can log
in, and accounts are few; a technician makes them on the server. The password is typed twice
without echo, or read from one line of stdin (`--password-stdin`) for scripted installs; it is
never an argument (it would sit in the shell history and the process list).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

EXIT_OK, EXIT_BAD_ARGS, EXIT_STORAGE = 0, 2, 5     # the README's exit codes


def register(group: argparse._SubParsersAction) -> None:
    """Add `add-user` to the `console` command group (console-core wires the group)."""
    parser = group.add_parser("add-user", help="新建或重设管控平台账号（县级或省级）",
                              description="新建或重设管控平台账号。密码在终端输入两次（不回显），"
                                          "或用 --password-stdin 从标准输入读一行。"
                                          "重设会让该账号已登录的页面失效。")
    parser.add_argument("username", help="账号（登录名）")
    scope = parser.add_mutually_exclusive_group(required=True)
    scope.add_argument("--county", metavar="区划代码",
                       help="县级账号：6 位行政区划代码，如 210124，只能看到本县驿站")
    scope.add_argument("--province", action="store_true", help="省级账号：看到全部驿站，可以管理分批发布")
    parser.add_argument("--name", default="", help="显示名，如 张明（法库县）")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--data", type=Path, metavar="DIR", help="嵌入式数据库所在目录（SQLite）")
    where.add_argument("--db", metavar="postgresql://…", help="PostgreSQL 数据库地址")
    parser.add_argument("--password-stdin", action="store_true", help="从标准输入读一行作为密码")
    parser.set_defaults(handler=add_user_command)


def _read_password(from_stdin: bool) -> str | None:
    if from_stdin or not sys.stdin.isatty():
        line = sys.stdin.readline()
        return line.rstrip("\r\n") if line else None
    first = getpass.getpass("新密码：")
    second = getpass.getpass("再输一次：")
    if first != second:
        print("两次输入的密码不一样，账号没有改动。请重新运行。", file=sys.stderr)
        return None
    return first


def add_user_command(args: argparse.Namespace) -> int:
    from console.store import Store, StoreError
    from console.web.auth import AccountError, add_user

    password = _read_password(args.password_stdin)
    if password is None:
        if args.password_stdin or not sys.stdin.isatty():
            print("没有读到密码：请在标准输入给出一行密码。", file=sys.stderr)
        return EXIT_BAD_ARGS
    try:
        store = Store.open(data_dir=args.data, url=args.db)
    except StoreError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_STORAGE
    try:
        add_user(store, args.username, password, None if args.province else args.county, args.name)
    except AccountError as exc:
        print(f"账号没有建立：{exc}", file=sys.stderr)
        return EXIT_BAD_ARGS
    finally:
        store.close()
    scope = "省级" if args.province else f"县级（{args.county}）"
    print(f"账号 {args.username.strip()} 已设置：{scope}。")
    return EXIT_OK
