"""Commands of the sync room: enroll, queue add/list/retry/export, sync, and the reference platform.

Exit codes (documented in sync/README.md):
  0  done; 1 some rows failed or were rejected (staff must look) / not found;
  2  bad arguments or configuration; 3 platform unreachable (rows stay queued, nothing lost);
  4  the form did not pass validation (queue add); 5 local storage problem (disk full, key, database);
  6  another delivery program already runs on this data directory (sync: nothing was sent).
Every failure prints one Chinese sentence on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import errno
import json
import logging
import math
import sys
from pathlib import Path
from urllib.parse import urlsplit

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_OFFLINE, EXIT_INVALID, EXIT_STORAGE = 0, 1, 2, 3, 4, 5
EXIT_BUSY = 6


def seconds(text: str) -> float:
    """argparse type for a duration: a finite number above 0 (`-1`, `0`, `nan`, `inf` are refused
    here, not by a ValueError deep in the socket layer)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为秒数（如 15），现在是 {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"应为大于 0 的有限秒数（如 15），现在是 {text!r}")
    return value


def capacity(text: str) -> float:
    """argparse type for the platform's capacity: requests per second, 0 turning pacing off."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为每秒请求数（如 400），现在是 {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"应为不小于 0 的每秒请求数（如 400），现在是 {text!r}")
    return value


def platform_url(text: str) -> str:
    """argparse type for a platform address: an http(s) URL with a host, so a typo is a usage
    error (exit 2), not a network outage (exit 3)."""
    try:
        parts = urlsplit(text.strip())
        has_host = bool(parts.hostname)
        _ = parts.port  # a port that is not a number raises here
    except ValueError:
        has_host = False
        parts = urlsplit("")
    if parts.scheme not in ("http", "https") or not has_host or any(c.isspace() for c in text.strip()):
        raise argparse.ArgumentTypeError(
            "平台地址应以 http:// 或 https:// 开头并写明主机，如 https://zwfw.example/api/v1，"
            f"现在是 {text!r}")
    return text.strip()


# What a technician reads instead of the C library's English (`File exists`, `Not a directory`).
_OS_ERRORS = {
    errno.EEXIST: "已有同名的文件",
    errno.ENOTDIR: "路径中有一段是文件而不是文件夹",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.ENOENT: "找不到该路径",
    errno.EACCES: "没有读写权限",
    errno.EPERM: "没有读写权限",
    errno.EROFS: "磁盘是只读的",
    errno.EIO: "读写出错（磁盘或 U 盘可能已损坏）",
    errno.ENAMETOOLONG: "路径太长",
}


def os_error_text(exc: OSError) -> str:
    """The reason of an OSError as a few Chinese words (its errno, never its English strerror)."""
    return _OS_ERRORS.get(exc.errno or 0, f"系统错误（错误号 {exc.errno}）")


def register(commands) -> None:  # noqa: ANN001 - main.Commands
    p = commands.add("enroll", "向平台注册本驿站（生成签名密钥，锁定平台公钥）", _enroll)
    _store_options(p)
    p.add_argument("--platform-url", required=True, type=platform_url,
                   help="平台接口地址，如 http://127.0.0.1:8700/api/v1")
    p.add_argument("--station-id", required=True, help="驿站编号，如 210102-0001")
    p.add_argument("--code", required=True, help="县级下发的一次性注册码")
    p.add_argument("--ca-file", type=Path, metavar="PEM",
                   help="平台 HTTPS 证书的签发机构（CA）证书：锁定后只信任它签发的证书")

    p = commands.add("sync", "把待发队列送到平台，拉取办理状态与证照", _sync)
    _store_options(p)
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--once", action="store_true", help="尽力发送一轮后退出（无失败则返回 0）")
    mode.add_argument("--forever", action="store_true", help="持续运行，按退避策略重试")
    p.add_argument("--platform-url", type=platform_url, help="临时改用的平台地址（缺省用注册时的地址）")
    p.add_argument("--timeout", type=seconds, help="单次请求超时（秒）")
    p.add_argument("--poll", type=seconds, default=30.0, help="--forever 时的轮询间隔（秒）")

    queue = commands.group("queue", "待发队列")
    p = queue.add_parser("add", help="录入一件申请（不经触摸屏，如工作人员代录纸质表）")
    _store_options(p)
    p.add_argument("--bundle", required=True, help="事项（一件事）编号")
    p.add_argument("--answers", required=True, type=Path, help="答案 JSON 文件")
    p.add_argument(
        "--attach", action="append", default=[], metavar="MATERIAL_ID=FILE", help="材料附件，可重复"
    )
    p.add_argument("--signature", type=Path, help="承诺书签名 PNG（告知承诺事项）")
    p.set_defaults(handler=_queue_add)

    p = queue.add_parser("list", help="列出队列（只显示脱敏信息）")
    _store_options(p)
    p.add_argument("--json", action="store_true", help="每行一个 JSON 对象")
    p.set_defaults(handler=_queue_list)

    p = queue.add_parser("retry", help="把发送失败的一条重新放回队列")
    _store_options(p)
    p.add_argument("ref", metavar="REF", help="临时受理号或平台受理号")
    p.set_defaults(handler=_queue_retry)

    p = queue.add_parser("export", help="导出待发队列（签名并加密，用 U 盘带到县里导入）")
    _store_options(p)
    p.add_argument("--to", required=True, type=Path, help="导出目录（如 U 盘）")
    p.set_defaults(handler=_queue_export)

    # `platform --host … --port … --data DIR` runs the server itself, so the group is built here
    # (Commands.group's parser takes no options of its own).
    plat = commands.add("platform", "参考平台（演示与测试用的省平台实现）", _platform_serve)
    plat.add_argument("--host", default="127.0.0.1", help="监听地址（缺省 127.0.0.1）")
    plat.add_argument("--port", type=int, default=8700, help="端口（缺省 8700）")
    plat.add_argument("--data", dest="serve_data", metavar="DIR", type=Path, help="平台数据目录")
    plat.add_argument("--tls-cert", type=Path, metavar="PEM", help="HTTPS：服务器证书（含证书链）")
    plat.add_argument("--tls-key", type=Path, metavar="PEM", help="HTTPS：服务器私钥")
    plat.add_argument("--capacity", type=capacity, default=400.0, metavar="请求数/秒",
                      help="平台每秒能处理的请求数，据此给各驿站分配发送时段"
                           "（缺省 400；0 为不分配，即旧平台）")
    plat.add_argument(
        "--demo-advance",
        type=seconds,
        metavar="秒",
        help="演示：每隔若干秒把每件申请推进一步（受理→准予并出证→办结）",
    )
    plat.add_argument("--decide-immediate", action="store_true",
                      help="立等可取：全部是即办件、不欠材料、不在信用名单上的申请，收到即办结并出证")
    sub = plat.add_subparsers(title="命令", metavar="命令", parser_class=type(plat))
    p = sub.add_parser("enroll-code", help="生成一个一次性注册码")
    p.add_argument("--data", required=True, type=Path, help="平台数据目录")
    p.set_defaults(handler=_platform_enroll_code)
    p = sub.add_parser("advance", help="推进一件申请的办理状态")
    p.add_argument("ref", metavar="REF", help="平台受理号、临时受理号或申请编号")
    p.add_argument(
        "--to",
        required=True,
        choices=["received", "accepted", "need_materials", "rejected", "approved", "completed"],
        help="新状态",
    )
    p.add_argument("--certificate", action="store_true", help="同时出具电子证照（签名 PDF）")
    p.add_argument("--message", default="", help="给申请人的说明")
    p.add_argument("--data", required=True, type=Path, help="平台数据目录")
    p.set_defaults(handler=_platform_advance)
    p = sub.add_parser("revoke-certificate", help="撤销一份已出具的电子证照（各驿站不再打印它）")
    p.add_argument("certificate_id", metavar="CERTIFICATE_ID", help="证照编号，如 CERT-SQ20261128000001-1")
    p.add_argument("--reason", required=True, help="撤销原因（驿站会向群众和工作人员说明）")
    p.add_argument("--data", required=True, type=Path, help="平台数据目录")
    p.set_defaults(handler=_platform_revoke_certificate)
    p = sub.add_parser("export-stations",
                       help="列出已注册驿站的公钥（每行一个 JSON 对象，供 console import-stations 导入）")
    p.add_argument("--data", required=True, type=Path, help="平台数据目录")
    p.set_defaults(handler=_platform_export_stations)
    p = sub.add_parser("submissions", help="列出收到的申请（每行一个 JSON 对象）")
    p.add_argument("--data", required=True, type=Path, help="平台数据目录")
    p.set_defaults(handler=_platform_submissions)
    p = sub.add_parser("credit-add", help="把一个身份证号加入信用名单（只发布加盐哈希）")
    p.add_argument("id_number", metavar="ID_NUMBER", help="身份证号码")
    p.add_argument("--list", default="失信被执行人", help="名单名称")
    p.add_argument("--reason", default="", help="原因")
    p.add_argument("--data", required=True, type=Path, help="平台数据目录")
    p.set_defaults(handler=_platform_credit_add)
    p = sub.add_parser("identity-code", help="签发一个辽事通身份码（测试扫码用，打印码文本，可另存 PNG）")
    p.add_argument("--id-number", required=True, help="身份证号码")
    p.add_argument("--name", required=True, help="姓名")
    p.add_argument("--minutes", type=seconds, default=5.0, help="有效分钟数（缺省 5）")
    p.add_argument("--png", type=Path, help="把二维码另存为 PNG 文件")
    p.add_argument("--data", type=Path, help="平台数据目录（缺省为演示平台：数据目录名加 -platform）")
    p.set_defaults(handler=_platform_identity_code)
    p = sub.add_parser("publish-catalogue", help="签名并发布新版事项目录（先给试点驿站，再给全部驿站）")
    p.add_argument("dir", metavar="DIR", type=Path, help="事项目录文件夹（各一件事 JSON 与 index.json）")
    p.add_argument("--ring", required=True, choices=("pilot", "all"),
                   help="pilot：只给试点驿站；all：给全部驿站")
    p.add_argument("--data", required=True, type=Path, help="平台数据目录")
    p.set_defaults(handler=_platform_publish_catalogue)
    p = sub.add_parser("export-catalogue",
                       help="把已发布的一版事项目录导出为签名文件（交管控平台 console add-release 分批发布）")
    p.add_argument("--version", dest="catalogue_version", metavar="版本",
                   help="版本号（缺省为最新发布的版本）")
    p.add_argument("--out", required=True, type=Path, metavar="FILE", help="导出到的文件（.json）")
    p.add_argument("--data", required=True, type=Path, help="平台数据目录")
    p.set_defaults(handler=_platform_export_catalogue)
    p = sub.add_parser("set-ring", help="把驿站放进试点范围（pilot）或移回全部（all）")
    p.add_argument("station", metavar="STATION", help="驿站编号，如 210102-0001")
    p.add_argument("ring", choices=("pilot", "all"), help="pilot 或 all")
    p.add_argument("--data", required=True, type=Path, help="平台数据目录")
    p.set_defaults(handler=_platform_set_ring)
    p = sub.add_parser("import", help="导入驿站用 U 盘带来的导出文件（可重复导入）")
    p.add_argument("dir", metavar="DIR", type=Path, help="导出文件所在目录")
    p.add_argument("--data", required=True, type=Path, help="平台数据目录")
    p.set_defaults(handler=_platform_import)


def _store_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", type=Path, help="数据目录（缺省取配置 paths.data_dir）")
    p.add_argument("--key-dir", type=Path, help="密钥目录（缺省取配置 paths.key_dir）")
    p.add_argument(
        "--crypto", choices=["aes", "sm4"], help="加密算法：aes（AES-256-GCM）或 sm4（国密 SM4-GCM/SM3）"
    )
    p.add_argument("--verbose", action="store_true", help="输出运行日志（不含个人信息）")


def _fail(message: str, code: int) -> int:
    print(message, file=sys.stderr)
    return code


def _crypto(args: argparse.Namespace) -> str:
    if getattr(args, "crypto", None):
        return args.crypto
    try:
        return str(args.config.get("security", "crypto"))
    except (KeyError, AttributeError):
        return "aes"


def _open_store(args: argparse.Namespace):
    import sqlite3

    from sync.store import Store

    logging.basicConfig(
        # without --verbose stderr carries only the command's own sentence (the README's rule);
        # the log's English lines are for --verbose and for the kiosk's log file
        level=logging.INFO if getattr(args, "verbose", False) else logging.CRITICAL,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
        stream=sys.stderr,
    )
    data_dir = args.data_dir or args.config.data_dir
    key_dir = args.key_dir or args.config.key_dir
    from sync.store import StoreError

    for what, folder in (("数据目录", data_dir), ("密钥目录", key_dir)):
        blocker = _not_a_folder(Path(folder))
        if blocker is not None:
            raise StoreError(f"{what} {folder} 无法使用：{blocker} 是文件而不是文件夹。请改用 --data-dir / "
                             f"--key-dir 指定一个文件夹。")
    database = Path(data_dir) / "kiosk.db"
    if database.exists() and not database.is_file():
        raise StoreError(f"本地数据库 {database} 不是文件（可能被误建成了文件夹），无法打开。"
                         "请检查数据目录。")
    unreadable = f"本地数据库 {database} 无法打开：请检查数据目录是否完整、可写，磁盘是否已满。"
    try:
        return Store.open(data_dir, key_dir, crypto=_crypto(args),
                          station_id=args.config.get("station", "id")), key_dir
    except sqlite3.Error:
        # sqlite's own text ("unable to open database file") is English; say what to check
        raise StoreError(unreadable) from None
    except StoreError as exc:
        # The store words a failed open with sqlite's or the OS's English text ("file is not a
        # database", "Read-only file system"); the cause is kept as the context: say it in Chinese.
        cause = exc.__context__
        full = "存储空间" in str(exc)
        if isinstance(cause, sqlite3.Error) and not full:
            raise StoreError(unreadable) from None
        if isinstance(cause, OSError) and not full:
            raise StoreError(f"无法使用数据目录 {data_dir}：{os_error_text(cause)}。") from None
        raise


def _not_a_folder(path: Path) -> Path | None:
    """The first existing part of `path` that is not a folder (a file where a folder must be)."""
    for part in (path, *path.parents):
        if part.exists():
            return None if part.is_dir() else part
    return None


def _guarded(fn):
    """Turn the room's known errors into one Chinese sentence and an exit code."""

    def wrapper(args: argparse.Namespace) -> int:
        from sync.crypto import CryptoError
        from sync.enrollment import EnrollmentError
        from sync.store import StoreError
        from sync.usb_export import BundleError

        try:
            return fn(args)
        except EnrollmentError as exc:
            return _fail(str(exc), EXIT_USAGE)
        except (StoreError, CryptoError) as exc:
            return _fail(str(exc), EXIT_STORAGE)
        except BundleError as exc:
            return _fail(str(exc), EXIT_FAILED)
        except BrokenPipeError:
            raise  # the reader of stdout went away: main.py ends quietly, this is no storage fault
        except OSError as exc:
            import errno

            if exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
                return _fail("存储空间已满，操作未完成，已保存的内容不受影响。", EXIT_STORAGE)
            return _fail(f"文件操作失败：{os_error_text(exc)}（{exc.filename}）。", EXIT_STORAGE)

    wrapper.__doc__ = fn.__doc__
    return wrapper


# ---------------------------------------------------------------------- kiosk side
@_guarded
def _enroll(args: argparse.Namespace) -> int:
    from sync.enrollment import enroll, read_ca

    ca_pem = read_ca(args.ca_file) if args.ca_file else None
    store, key_dir = _open_store(args)
    with store:
        body = enroll(
            store,
            key_dir,
            args.platform_url,
            args.station_id,
            args.code,
            timeout=float(args.config.get("platform", "timeout_s")),
            ca_pem=ca_pem,
            proxy=args.config.get("platform", "proxy"),
        )
    print(f"注册成功：驿站 {body['station_id']}，平台签名公钥已锁定。")
    return EXIT_OK


def _retention_days(args: argparse.Namespace) -> float | None:
    """[privacy] retention_days of the configuration (kiosk/station/config.py)."""
    try:
        return float(args.config.get("privacy", "retention_days"))
    except (KeyError, AttributeError):
        return None


def _client(store, key_dir: Path, args: argparse.Namespace):
    from sync.enrollment import make_client

    timeout = (
        args.timeout if getattr(args, "timeout", None) else float(args.config.get("platform", "timeout_s"))
    )
    return make_client(store, key_dir, getattr(args, "platform_url", None), timeout=timeout,
                       proxy=args.config.get("platform", "proxy"))


def _start_fleet_reporter(store, key_dir: Path, args: argparse.Namespace):  # noqa: ANN001, ANN201
    """`sync --forever` reports to the fleet console as the kiosk does ([console] url), so a
    station run headless is not a blank on the county's screen. The report runs on its own
    thread with its own HTTP session and table (sync/fleet_report.py): the console being down
    or slow never touches delivery. What only the kiosk knows is left out rather than guessed:
    no device states (this program opens no device), and rollbacks as last counted by the kiosk.
    Started only once this process holds the delivery lock (a second `sync --forever` that
    exits busy sends nothing)."""
    url = str(args.config.get("console", "url")).strip()
    if url == "none":
        return None
    from sync import enrollment
    from sync.documents import catalogue_in_use
    from sync.fleet_report import FleetReporter

    try:
        shipped = catalogue_in_use(None).version   # the one shipped with the software, read once
    except Exception:  # noqa: BLE001 - a damaged catalogue must not stop delivery; the store's
        shipped = None  # downloaded version is still reported
    reporter = FleetReporter(store, enrollment.station_key(key_dir), url,
                             station_id=store.setting("station_id") or args.config.get("station", "id"),
                             software_version=getattr(args, "app_version", None) or "0+unknown",
                             catalogue_version=lambda: shipped,
                             interval_s=float(args.config.get("console", "interval_s")))
    reporter.start()
    return reporter


@_guarded
def _sync(args: argparse.Namespace) -> int:
    import threading

    from sync.store import FAILED, PENDING_STATES, REJECTED
    from sync.worker import DeliveryWorker

    store, key_dir = _open_store(args)
    with store:
        worker = DeliveryWorker(store, _client(store, key_dir, args),
                                app_version=getattr(args, "app_version", None) or "0+unknown",
                                retention_days=_retention_days(args))
        before = {r.id: r.state for r in store.outbox_rows(masked=False)}
        if args.forever:
            worker.hold_lock()                     # kept between passes, until it stops
        report = worker.run_once(force=True)       # takes the data directory's delivery lock
        if report.busy:
            return _fail(report.busy, EXIT_BUSY)
        if args.forever:
            stop = threading.Event()
            reporter = _start_fleet_reporter(store, key_dir, args)    # [console] url; none: None
            try:
                worker.run_forever(stop, poll_s=args.poll)
            except KeyboardInterrupt:
                stop.set()
            finally:
                if reporter is not None:
                    reporter.stop()
            return EXIT_OK
        for _ in range(20):
            if report.offline or report.storage_error or not store.due_rows(float("inf"), 1):
                break
            progress = report.delivered + report.failed + report.rejected
            if not progress:
                break
            report = worker.run_once(force=True)
        if report.storage_error:              # the station's own disk: exit 5, never "offline"
            return _fail(report.storage_error, EXIT_STORAGE)
        rows = store.outbox_rows(masked=False)
        # failed in this run = was waiting to be sent, now failed or refused by validation (a platform
        # decision "rejected" pulled later for a delivered row is not a delivery failure)
        failed = [r for r in rows if r.state in (FAILED, REJECTED) and before.get(r.id) in PENDING_STATES]
        pending = [r for r in rows if r.state in PENDING_STATES]
        delivered = sum(
            1
            for r in rows
            if before.get(r.id) in PENDING_STATES
            and r.state not in PENDING_STATES
            and r.state not in (FAILED, REJECTED)
        )
        print(f"本轮送达 {delivered} 件，待发 {len(pending)} 件，失败 {len(failed)} 件。")
        for r in failed:
            print(f"  {r.local_reference or r.ref_id}：{r.last_error}", file=sys.stderr)
        for message in report.refused_documents:
            print(f"  {message}", file=sys.stderr)
        if failed or any(r.state == FAILED for r in rows):
            return EXIT_FAILED
        if pending:
            print(
                f"平台暂时无法送达：{(report.error or '稍后重试').rstrip('。')}。"
                "申请已安全保存在本机，联网后自动发送。",
                file=sys.stderr,
            )
            return EXIT_OFFLINE
        return EXIT_OK


@_guarded
def _queue_add(args: argparse.Namespace) -> int:
    """Same path as the touchscreen: the form engine checks and builds the payload, the store
    freezes it with its attachments and outbox row in one durable transaction."""
    files: list[tuple[str, Path]] = []
    for item in args.attach:
        material, sep, file_name = item.partition("=")
        if not sep or not material or not file_name:
            return _fail(f"--attach 应写成 材料编号=文件，现在是 {item!r}。", EXIT_USAGE)
        files.append((material, Path(file_name)))
    try:
        import forms
    except ImportError:
        return _fail("表单引擎（forms）不可用，无法录入申请。", EXIT_STORAGE)
    from sync import documents

    try:
        answers_file = forms.AnswersFile.read(args.answers)
    except forms.FormsError as exc:
        return _fail(str(exc), EXIT_USAGE)
    if answers_file.bundle_id and answers_file.bundle_id != args.bundle:
        return _fail(f"答案文件是“{answers_file.bundle_id}”的，不是“{args.bundle}”的。", EXIT_USAGE)
    contents: list[tuple[str, bytes]] = []
    for material, file_name in files:
        try:
            if file_name.stat().st_size > 20 << 20:  # the platform's limit per attachment (413 too_large)
                return _fail(f"附件文件 {file_name} 超过 20 MB，平台不接收，请压缩或重新拍照。", EXIT_USAGE)
            contents.append((material, file_name.read_bytes()))
        except OSError:
            return _fail(f"无法读取附件文件 {file_name}。", EXIT_USAGE)
    signature = None
    if args.signature:
        try:
            if args.signature.stat().st_size > 4 << 20:
                return _fail(f"签名文件 {args.signature} 超过 4 MB，不像一张签名图片。", EXIT_USAGE)
            signature = args.signature.read_bytes()
        except OSError:
            return _fail(f"无法读取签名文件 {args.signature}。", EXIT_USAGE)
        if not signature.startswith(b"\x89PNG\r\n\x1a\n"):
            return _fail(f"签名文件 {args.signature} 不是 PNG 图片。", EXIT_USAGE)

    store, _ = _open_store(args)
    with store:
        catalogue = None
        doc = documents.load(store, "catalogue")
        if doc is not None:
            try:
                catalogue = forms.Catalogue.from_document(doc)
            except forms.FormsError:
                catalogue = None  # a verified but unusable catalogue: fall back to the shipped one
        attachments: dict[str, list[str]] = {}
        for material, data in contents:
            attachments.setdefault(material, []).append(store.put_attachment(data))
        try:
            result = forms.fill(
                args.bundle,
                answers_file.answers,
                attachments=attachments or None,
                material_choices=answers_file.materials,
                applicant=answers_file.applicant,
                agent=answers_file.agent,
                catalogue=catalogue,
                today=answers_file.today,
            )
        except forms.FormsError as exc:
            return _fail(str(exc), EXIT_USAGE)
        if not result.ok:
            print("申请未通过校验，没有保存：", file=sys.stderr)
            for field_id, message in result.errors.items():
                print(f"  {field_id}：{message}", file=sys.stderr)
            return EXIT_INVALID
        if _unsigned_commitment(result.payload, signature):
            return _fail("这件申请有以告知承诺代替的材料，须附申请人签名：请用 --signature 给出"
                         "签名图片（PNG），没有保存。", EXIT_INVALID)
        shas = [sha for group in attachments.values() for sha in group]
        submitted = store.submit(result.payload, attachments=shas, signature_png=signature)
        print(submitted.local_reference, flush=True)
    return EXIT_OK


def _unsigned_commitment(payload: dict, signature: bytes | None) -> bool:
    """The forms engine's 告知承诺 rule on the body as the store will freeze it (the store adds
    the signature's hash), checked before anything is saved."""
    import hashlib

    from forms.materials import commitment_problems

    preview = dict(payload)
    if isinstance(payload.get("commitment"), dict):
        sha = hashlib.sha256(signature).hexdigest() if signature else None
        preview["commitment"] = {**payload["commitment"], "signature_attachment": sha}
    return bool(commitment_problems(preview))


@_guarded
def _queue_list(args: argparse.Namespace) -> int:
    import time

    store, _ = _open_store(args)
    with store:
        rows = store.outbox_rows(masked=True)
    if args.json:
        for r in rows:
            print(
                json.dumps(
                    {
                        "local_reference": r.local_reference,
                        "platform_reference": r.platform_reference,
                        "kind": r.kind,
                        "state": r.state,
                        "state_label": r.state_label,
                        "attempts": r.attempts,
                        "bundle_id": r.bundle_id,
                        "applicant_name": r.masked_name,
                        "id_number": r.masked_id,
                        "last_error": r.last_error,
                        "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(r.created_at)),
                    },
                    ensure_ascii=False,
                )
            )
        return EXIT_OK
    if not rows:
        print("队列为空。")
        return EXIT_OK
    print(
        "临时受理号   状态                 尝试  申请人    证件号              事项              平台受理号"
    )
    for r in rows:
        ref = r.local_reference or ("评价" if r.kind == "rating" else r.ref_id[:9])
        print(
            f"{ref:<12} {r.state_label:<18} {r.attempts:>4}  {r.masked_name or '':<8} "
            f"{r.masked_id or '':<19} "
            f"{r.bundle_id or '':<16} {r.platform_reference or ''}"
        )
        if r.last_error and r.state not in ("delivered",):
            print(f"             └ {r.last_error}")
    return EXIT_OK


@_guarded
def _queue_retry(args: argparse.Namespace) -> int:
    store, _ = _open_store(args)
    with store:
        if store.retry(args.ref):
            print(f"{args.ref} 已重新放回待发队列。")
            return EXIT_OK
    return _fail(f"找不到可重试的 {args.ref}（只有待发或发送失败的申请可以重试）。", EXIT_FAILED)


@_guarded
def _queue_export(args: argparse.Namespace) -> int:
    from sync.usb_export import export_queue

    store, key_dir = _open_store(args)
    with store:
        done = export_queue(store, key_dir, args.to)
    print(f"已导出 {done.submissions} 件申请、{done.ratings} 条评价到 {done.path}")
    return EXIT_OK


# ---------------------------------------------------------------------- platform side
def _service(data: Path):
    from sync.platform.service import PlatformService

    return PlatformService(data)


def _platform_serve(args: argparse.Namespace) -> int:
    import threading

    from sync.platform.server import PlatformServer, run_demo_timer

    if args.serve_data is None:
        return _fail("请用 --data 指定平台数据目录。", EXIT_USAGE)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    if (args.tls_cert is None) != (args.tls_key is None):
        return _fail("--tls-cert 与 --tls-key 要一起给出。", EXIT_USAGE)
    service = _service(args.serve_data)
    service.set_capacity(args.capacity or None)
    service.decide_immediate = bool(args.decide_immediate)
    try:
        tls = (args.tls_cert, args.tls_key) if args.tls_cert else None
        server = PlatformServer((args.host, args.port), service, tls=tls)
    except OSError as exc:
        return _fail(f"无法在 {args.host}:{args.port} 上启动：{os_error_text(exc)}（端口可能已被占用）。",
                     EXIT_USAGE)
    except ValueError as exc:
        return _fail(str(exc), EXIT_USAGE)
    stop = threading.Event()
    if args.demo_advance:
        threading.Thread(target=run_demo_timer, args=(service, args.demo_advance, stop), daemon=True).start()
    print(f"参考平台已启动：{server.url}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
    return EXIT_OK


def _platform_publish_catalogue(args: argparse.Namespace) -> int:
    """Validate DIR exactly as `catalogue validate` does (forms.load_catalogue), then sign and
    offer it to the ring. Exit 2: DIR is not a catalogue folder; 1: it has problems or its
    version is not new."""
    from forms.catalogue import load_catalogue
    from forms.errors import CatalogueError

    if not args.dir.is_dir() or not (args.dir / "index.json").is_file():
        return _fail(f"{args.dir} 不是事项目录文件夹（应含各一件事的 JSON 文件和 index.json）。", EXIT_USAGE)
    try:
        catalogue = load_catalogue(args.dir)
    except CatalogueError as exc:
        first = exc.problems[0].rstrip("。")
        return _fail(f"事项目录有 {len(exc.problems)} 处问题，未发布，第一处：{first}"
                     f"（全部问题请用 python main.py catalogue validate {args.dir} 查看）。", EXIT_FAILED)
    try:
        version = _service(args.data).publish_catalogue(catalogue.document(), args.ring)
    except ValueError as exc:
        return _fail(str(exc), EXIT_FAILED)
    who = "试点驿站" if args.ring == "pilot" else "全部驿站"
    print(f"事项目录版本 {version} 已签名发布给{who}（{len(catalogue.bundles)} 件事），"
          "驿站在下次心跳时下载。")
    return EXIT_OK


def _platform_export_catalogue(args: argparse.Namespace) -> int:
    """The signed envelope of a published catalogue, exactly as /catalogue serves it. Exit 1: no
    such version published; 2: the file cannot be written."""
    from sync.durable import write_atomic

    try:
        envelope = _service(args.data).catalogue_envelope(args.catalogue_version)
    except KeyError:
        which = f"版本 {args.catalogue_version}" if args.catalogue_version else "任何版本"
        return _fail(f"平台没有发布过{which}的事项目录，请先用 platform publish-catalogue 发布。",
                     EXIT_FAILED)
    try:
        write_atomic(args.out, json.dumps(envelope, ensure_ascii=False).encode("utf-8"), 0o644)
    except OSError as exc:
        return _fail(f"无法写入 {args.out}：{os_error_text(exc)}。", EXIT_USAGE)
    print(f"已导出事项目录版本 {envelope['version']} 到 {args.out}（省平台签名），"
          "可用 console add-release --kind catalogue 登记发布。")
    return EXIT_OK


def _platform_set_ring(args: argparse.Namespace) -> int:
    try:
        _service(args.data).set_ring(args.station, args.ring)
    except KeyError:
        return _fail(f"平台上没有注册的驿站 {args.station}。", EXIT_FAILED)
    print(f"驿站 {args.station} 现在属于{'试点驿站' if args.ring == 'pilot' else '全部驿站'}。")
    return EXIT_OK


def _platform_enroll_code(args: argparse.Namespace) -> int:
    print(_service(args.data).new_enrollment_code())
    return EXIT_OK


def _platform_advance(args: argparse.Namespace) -> int:
    try:
        result = _service(args.data).advance(args.ref, args.to, args.certificate, args.message)
    except KeyError:
        return _fail(f"平台上找不到申请 {args.ref}。", EXIT_FAILED)
    print(json.dumps(result, ensure_ascii=False))
    return EXIT_OK


def _platform_revoke_certificate(args: argparse.Namespace) -> int:
    reason = args.reason.strip()
    if not reason or len(reason) > 200:
        return _fail("请用 --reason 写明撤销原因（1 到 200 个字）。", EXIT_USAGE)
    try:
        result = _service(args.data).revoke_certificate(args.certificate_id, reason)
    except KeyError:
        return _fail(f"平台上找不到证照 {args.certificate_id}。", EXIT_FAILED)
    print(json.dumps(result, ensure_ascii=False))
    return EXIT_OK


def _platform_credit_add(args: argparse.Namespace) -> int:
    version = _service(args.data).add_to_credit_list(args.id_number, args.list, args.reason)
    print(f"信用名单已发布新版本 {version}。")
    return EXIT_OK


def _platform_export_stations(args: argparse.Namespace) -> int:
    for row in _service(args.data).enrolled_stations():
        print(json.dumps(row, ensure_ascii=False))
    return EXIT_OK


def _platform_submissions(args: argparse.Namespace) -> int:
    for row in _service(args.data).submissions():
        print(json.dumps(row, ensure_ascii=False))
    return EXIT_OK


def _platform_import(args: argparse.Namespace) -> int:
    from sync.platform.service import import_bundles

    summary = import_bundles(_service(args.data), args.dir)
    for message in summary["errors"]:
        print(message, file=sys.stderr)
    print(
        f"导入 {summary['bundles']} 个文件：新申请 {summary['new']} 件，"
        f"重复（已收到过）{summary['replayed']} 件，"
        f"被拒 {summary['rejected']} 件，附件 {summary['attachments']} 个。"
    )
    return EXIT_FAILED if summary["errors"] else EXIT_OK


def _platform_identity_code(args: argparse.Namespace) -> int:
    """Sign a 辽事通 identity code with the platform's key (sync/identity_code.py)."""
    import time

    import segno

    from forms.validators import check_id_number, check_name
    from sync.identity_code import issue
    from sync.platform import demo_platform_dir, signing_key_path
    from sync.signing import load_or_create_signing_key

    data = args.data or demo_platform_dir(args.config.data_dir)
    key_file = signing_key_path(data)
    if not key_file.is_file():
        return _fail(f"找不到参考平台的签名密钥 {key_file}：请用 --data 指定平台数据目录。", EXIT_USAGE)
    problem = check_id_number(args.id_number) or check_name(args.name)
    if problem:
        return _fail(problem, EXIT_USAGE)
    if not 0 < args.minutes <= 24 * 60:
        return _fail("--minutes 应在 0 到 1440 之间。", EXIT_USAGE)
    text = issue(load_or_create_signing_key(key_file), args.name.strip(), args.id_number.strip().upper(),
                 time.time(), args.minutes * 60)
    if args.png is not None:
        try:
            segno.make(text, error="m").save(str(args.png), kind="png", scale=8, border=4)
        except OSError as exc:
            return _fail(f"无法写入 {args.png}：{os_error_text(exc)}。", EXIT_STORAGE)
    print(text)
    return EXIT_OK
