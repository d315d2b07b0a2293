"""The `console` command: serve the fleet console; import station keys; accounts (console.web).

    python main.py console --host H --port P (--data DIR | --db postgresql://…) [--workers N]
    python main.py console import-stations FILE (--data DIR | --db …)
    python main.py console add-release --kind software|catalogue --file FILE (--data DIR | --db …)
    python main.py console add-user …                              (console/web/cli.py)
    python main.py console unlock (USERNAME | --address IP) …       (console/web/cli.py)

Exit codes (README "Exit codes"): 0 done; 1 some lines of an import were refused, or a file given
to add-release is not a release of that kind (or its version names another file); 2 bad arguments
(a port out of range, both or neither of --data/--db, a --db that is not postgresql://, a file
that cannot be read); 5 the console's database cannot be opened (a folder that is a file, the
PostgreSQL server not answering or refusing). One Chinese sentence on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import sys
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_STORAGE = 0, 1, 2, 5


def port_number(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"端口应为 0 到 65535 的整数（0：任选一个空闲端口），现在是 {text!r}"
        ) from None
    if not 0 <= value < 65536:
        raise argparse.ArgumentTypeError(
            f"端口应为 0 到 65535 的整数（0：任选一个空闲端口），现在是 {text!r}"
        )
    return value


def db_url(text: str) -> str:
    value = text.strip()
    if not value.startswith(("postgresql://", "postgres://")):
        raise argparse.ArgumentTypeError(
            f"数据库地址应以 postgresql:// 开头，如 postgresql://console@db/console，现在是 {text!r}"
        )
    return value


def _whole_number(what: str, low: int, high: int):  # noqa: ANN202 - an argparse type
    """An argparse type: a whole number from `low` to `high`, else one Chinese sentence."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = low - 1
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{what}应为 {low} 到 {high} 的整数，现在是 {text!r}")
        return value

    return parse


thread_count = _whole_number("线程数", 1, 256)
worker_count = _whole_number("进程数", 1, 64)


def _where(parser: argparse.ArgumentParser, required: bool) -> None:
    where = parser.add_mutually_exclusive_group(required=required)
    where.add_argument("--data", type=Path, metavar="DIR", help="嵌入式数据库（SQLite）所在目录，适合一个县")
    where.add_argument("--db", type=db_url, metavar="postgresql://…", help="PostgreSQL 数据库地址，适合全省")


def register(commands) -> None:  # noqa: ANN001 - main.Commands
    p = commands.add("console", "驿站管控平台：各驿站状态、告警、好差评整改、版本与分批发布（网页）", _serve)
    p.add_argument("--host", default="127.0.0.1", help="监听地址（缺省 127.0.0.1）")
    p.add_argument(
        "--port", type=port_number, default=8090, help="端口（缺省 8090；0：任选一个空闲端口，启动时打印）"
    )
    _where(p, required=False)
    p.add_argument("--threads", type=thread_count, default=8, help="每个进程处理请求的线程数（缺省 8）")
    p.add_argument(
        "--workers",
        type=worker_count,
        default=1,
        help="处理请求的进程数（缺省 1；全省部署用 PostgreSQL 时可设为 CPU 核数，仅限 Linux）",
    )
    sub = p.add_subparsers(title="命令", metavar="命令", parser_class=type(p))
    q = sub.add_parser(
        "import-stations", help="导入驿站公钥与所在地（每行一个 JSON 对象），管控平台据此核验报告签名"
    )
    q.add_argument(
        "file",
        type=Path,
        metavar="FILE",
        help="如 platform export-stations 的输出；每行含 station_id、public_key，可含 township、name 等",
    )
    _where(q, required=True)
    q.set_defaults(handler=_import_stations)
    r = sub.add_parser(
        "add-release",
        help="登记一个可分批发布的版本：软件更新包（update make）或事项目录（platform export-catalogue）",
        description="从文件本身读出版本号，把文件存进管控平台的数据库并计算 SHA-256；只有登记过的版本"
        "才能在“分批发布”页面发布，驿站下载后用省平台公钥核验签名。"
        "退出码：0 已登记，1 文件不是该类发布文件或版本号已对应另一个文件，2 参数不对，5 数据库打不开。",
    )
    r.add_argument("--kind", required=True, choices=("software", "catalogue"),
                   help="software：软件更新包；catalogue：事项目录")
    r.add_argument("--file", required=True, type=Path, metavar="FILE", help="发布文件")
    _where(r, required=True)
    r.set_defaults(handler=_add_release)
    if importlib.util.find_spec("console.web.cli") is not None:
        from console.web import cli as web_cli

        web_cli.register(sub)
        web_cli.register_serve_options(p)  # --secure-cookies, --proxy-header


def _fail(message: str, code: int) -> int:
    print(message, file=sys.stderr)
    return code


def open_store(args: argparse.Namespace):  # -> Store
    from console.store import Store

    return Store.open(data_dir=args.data, url=args.db)


def _serve(args: argparse.Namespace) -> int:
    if args.data is None and args.db is None:
        return _fail(
            "请用 --data 指定数据目录（嵌入式数据库），或用 --db 指定 PostgreSQL 数据库地址。", EXIT_USAGE
        )
    if args.workers > 1:
        return _serve_workers(args)
    return _serve_one(args)


def _serve_one(args: argparse.Namespace, sock=None) -> int:  # noqa: ANN001 - socket.socket
    """One console process: its store, the app, waitress; `sock`: a worker's shared socket."""
    from console.store import StoreError

    try:
        store = open_store(args)
    except StoreError as exc:
        return _fail(str(exc), EXIT_STORAGE)
    from console.app import create_app, make_server, start_offline_sweeper

    app = create_app(store)
    if importlib.util.find_spec("console.web.cli") is not None:
        from console.web.cli import configure_app

        configure_app(app, args)
    try:
        server = make_server(app, args.host, args.port, threads=args.threads, sock=sock)
    except OSError:
        app.config["INGEST"].close()
        store.close()
        return _fail(f"无法在 {args.host}:{args.port} 上启动：端口已被占用或地址不属于本机。", EXIT_USAGE)
    if sock is None:
        print(f"管控平台已启动：http://{args.host}:{server.effective_port}/ （{_place(args)}）", flush=True)
    sweeper = start_offline_sweeper(store)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        sweeper.set()
        server.close()
        app.config["INGEST"].close()
        store.close()
    return EXIT_OK


def _place(args: argparse.Namespace) -> str:
    return f"数据库 {args.db.split('@')[-1]}" if args.db else f"数据目录 {args.data}"


def _serve_workers(args: argparse.Namespace) -> int:
    """`--workers N`: N console processes on one listening socket (forked after it is bound).

    Why: a console process serves requests in Python threads under one GIL, so it uses one core;
    the report ingest needs every core of the county server. The processes share nothing but the
    socket and the database (as two consoles behind a load balancer do); each has its own
    connections and group-commit writers. The parent only starts them, restarts one that dies,
    and on SIGTERM / Ctrl-C stops them all. PostgreSQL only (one county's SQLite wants one
    writer process), and only where there is fork (Linux)."""
    import os
    import signal
    import time

    from console.app import listening_socket
    from console.store import StoreError

    if args.db is None:
        return _fail(
            "多个进程（--workers）需要 PostgreSQL 数据库（--db）；嵌入式数据库请用一个进程。", EXIT_USAGE
        )
    if not hasattr(os, "fork"):
        return _fail("多个进程（--workers）只能在 Linux 上使用，请去掉 --workers。", EXIT_USAGE)
    try:
        open_store(args).close()  # the schema is made once, and a database that is away says so now
    except StoreError as exc:
        return _fail(str(exc), EXIT_STORAGE)
    try:
        sock = listening_socket(args.host, args.port)
    except OSError:
        return _fail(f"无法在 {args.host}:{args.port} 上启动：端口已被占用或地址不属于本机。", EXIT_USAGE)
    port = sock.getsockname()[1]
    print(
        f"管控平台已启动：http://{args.host}:{port}/ （{_place(args)}，{args.workers} 个进程）", flush=True
    )
    children: set[int] = set()
    stopping = False

    def interrupted(_signum: int, _frame: object) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the workers and the parent,
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # which then sends SIGTERM: stop only once
        raise KeyboardInterrupt

    def start() -> None:
        pid = os.fork()
        if pid == 0:  # the worker: Ctrl-C or SIGTERM ends its server.run() as in one process
            code = EXIT_FAILED
            try:
                signal.signal(signal.SIGINT, interrupted)
                signal.signal(signal.SIGTERM, interrupted)
                code = _serve_one(args, sock)
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        children.add(pid)

    def stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        for _ in range(args.workers):
            start()
        while children:
            try:
                pid, _status = os.wait()
            except ChildProcessError:
                break
            children.discard(pid)
            if not stopping:
                print("管控平台的一个工作进程意外退出，一秒后重新启动。", file=sys.stderr, flush=True)
                time.sleep(1)
                if not stopping:
                    start()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        sock.close()
    return EXIT_OK


def _import_stations(args: argparse.Namespace) -> int:
    from console.keys import ImportProblem, read_station_lines
    from console.store import StoreError

    try:
        stations, problems = read_station_lines(args.file)
    except ImportProblem as exc:
        return _fail(str(exc), EXIT_USAGE)
    try:
        store = open_store(args)
    except StoreError as exc:
        return _fail(str(exc), EXIT_STORAGE)
    try:
        store.upsert_stations(stations)
        store.audit(
            "stations.import",
            target=str(args.file),
            detail={"stations": len(stations), "refused": len(problems)},
        )
    finally:
        store.close()
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"已导入 {len(stations)} 个驿站" + (f"，{len(problems)} 行未导入（见上）。" if problems else "。"))
    return EXIT_FAILED if problems else EXIT_OK


def _add_release(args: argparse.Namespace) -> int:
    from console.artifacts import ReleaseProblem, add_release
    from console.store import StoreError

    if not args.file.is_file():
        return _fail(f"找不到文件 {args.file}。", EXIT_USAGE)
    try:
        store = open_store(args)
    except StoreError as exc:
        return _fail(str(exc), EXIT_STORAGE)
    try:
        release = add_release(store, args.kind, args.file)
        store.audit("release.add", target=f"{args.kind} {release['version']}",
                    detail={"sha256": release["sha256"], "size": release["size"]})
    except ReleaseProblem as exc:
        return _fail(str(exc), EXIT_FAILED)
    finally:
        store.close()
    what = "软件更新包" if args.kind == "software" else "事项目录"
    print(f"已登记{what}版本 {release['version']}（{release['size']} 字节，"
          f"SHA-256 {release['sha256'][:12]}…），可在“分批发布”页面发布。")
    return EXIT_OK
