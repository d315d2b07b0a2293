"""`console add-user`: make (or reset) a console staff account; `console unlock`: end a lockout;
and the serving options that concern the pages (cookies over HTTPS, the proxy's address header).

Why a command and not a page: the first province account has to exist before anyone can log
in, and accounts are few; a technician makes them on the server. The password is typed twice
without echo, or read from one line of stdin (`--password-stdin`) for scripted installs; it is
never an argument (it would sit in the shell history and the process list).

    python main.py console unlock USERNAME (--data DIR | --db URL)
    python main.py console unlock --address IP (--data DIR | --db URL)

Exit codes of `unlock` (README "Exit codes"): 0 unlocked (or was not locked: its count is cleared
all the same); 1 no such account; 2 bad arguments (neither or both of USERNAME and --address, an
address that is not an IP address, neither --data nor --db); 5 the database cannot be opened.
"""

from __future__ import annotations

import argparse
import getpass
import ipaddress
import re
import sys
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_NOT_FOUND, EXIT_BAD_ARGS, EXIT_STORAGE = 0, 1, 2, 5     # the README's exit codes


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

    parser = group.add_parser("unlock", help="解除账号的登录锁定，或用 --address 解除一个地址的登录限制",
                              description="解除账号因密码错误过多的锁定，或一个地址因登录失败过多的限制"
                                          "（省级管理员在服务器上运行）。")
    parser.add_argument("username", nargs="?", help="要解锁的账号")
    parser.add_argument("--address", metavar="IP", help="要解除限制的地址（如 10.21.3.7），不写账号")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--data", type=Path, metavar="DIR", help="嵌入式数据库所在目录（SQLite）")
    where.add_argument("--db", metavar="postgresql://…", help="PostgreSQL 数据库地址")
    parser.set_defaults(handler=unlock_command)


def header_name(text: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9-]{1,64}", text.strip()):
        raise argparse.ArgumentTypeError(
            f"应为一个请求头的名字，如 X-Forwarded-For 或 X-Real-IP，现在是 {text!r}")
    return text.strip()


def register_serve_options(parser: argparse.ArgumentParser) -> None:
    """`main.py console`'s options for the pages (console/cli.py calls this)."""
    parser.add_argument("--secure-cookies", action="store_true",
                        help="登录 Cookie 只经 HTTPS 发送（经 HTTPS 访问时使用；"
                             "直接用 http:// 访问将无法登录）")
    parser.add_argument("--proxy-header", type=header_name, metavar="HEADER",
                        help="在反向代理之后：从这个请求头取访问者地址（如 X-Forwarded-For），并信任代理的 "
                             "X-Forwarded-Proto；只在管控平台只能经代理访问时使用")


def configure_app(app: Any, args: argparse.Namespace) -> None:
    """Apply the options of register_serve_options to the app (console/cli.py calls this)."""
    from console.web import auth

    app.config["SESSION_COOKIE_SECURE"] = bool(getattr(args, "secure_cookies", False))
    app.config[auth.PROXY_HEADER] = getattr(args, "proxy_header", None) or None


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


def _open_store(args: argparse.Namespace):  # noqa: ANN202 - console.store.Store | None
    """The console's store from --data/--db, or None once the reason is said on stderr."""
    from console.store import Store, StoreError

    try:
        return Store.open(data_dir=args.data, url=args.db)
    except StoreError as exc:
        print(str(exc), file=sys.stderr)
        return None


def add_user_command(args: argparse.Namespace) -> int:
    from console.web.auth import AccountError, add_user

    password = _read_password(args.password_stdin)
    if password is None:
        if args.password_stdin or not sys.stdin.isatty():
            print("没有读到密码：请在标准输入给出一行密码。", file=sys.stderr)
        return EXIT_BAD_ARGS
    store = _open_store(args)
    if store is None:
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


def unlock_command(args: argparse.Namespace) -> int:
    if bool(args.username) == bool(args.address):
        print("请给出要解锁的账号，或用 --address 给出要解除限制的地址（二选一）。", file=sys.stderr)
        return EXIT_BAD_ARGS
    address = None
    if args.address:
        try:
            address = str(ipaddress.ip_address(args.address.strip()))
        except ValueError:
            print(f"地址应为 IP 地址，如 10.21.3.7，现在是 {args.address!r}。", file=sys.stderr)
            return EXIT_BAD_ARGS
    store = _open_store(args)
    if store is None:
        return EXIT_STORAGE
    try:
        if address is not None:
            was = store.unlock_address(address)
            store.audit("address.unlock", username="(console unlock)", target=address,
                        detail={"was_locked": was})
            print(f"地址 {address} 已解除登录限制。" if was
                  else f"地址 {address} 没有被限制，失败次数已清零。")
            return EXIT_OK
        name = args.username.strip()
        if store.user(name) is None:
            print(f"没有账号 {name}，请检查拼写（账号区分大小写）。", file=sys.stderr)
            return EXIT_NOT_FOUND
        was = store.unlock_user(name)
        store.audit("user.unlock", username="(console unlock)", target=name, detail={"was_locked": was})
        print(f"账号 {name} 已解除锁定，可以重新登录。" if was
              else f"账号 {name} 没有被锁定，错误次数已清零。")
        return EXIT_OK
    finally:
        store.close()
