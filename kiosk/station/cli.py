"""Commands for running a station: `staff set-pin/unlock`, `health`, `status`, `audit verify`,
and `update make/apply` (the signed software updates live in kiosk/station/updates.py)."""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys
import urllib.error
import urllib.request
from pathlib import Path

DEFAULT_HEALTH_PORT = 8790

# Exit codes of `health` (documented in its help): monitoring scripts act on them.
HEALTH_OK, HEALTH_DEGRADED, HEALTH_UNREACHABLE = 0, 1, 3
STORAGE_FAULT = 5       # the README's code for the station's own storage, for every command


def _audit_to_log(event: str, details: dict) -> None:
    # Until the hash-chained audit log exists, staff events go to the (privacy-filtered) log.
    logging.getLogger("kiosk.audit").info("%s %s", event, json.dumps(details, ensure_ascii=False))


def _read_pin(prompt: str) -> str:
    """From the terminal without echo; from stdin, one line (for scripted installs)."""
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    print(prompt, end="", file=sys.stderr, flush=True)
    line = sys.stdin.readline()
    print(file=sys.stderr)
    if not line:
        raise EOFError
    return line.rstrip("\r\n")


def _pins(args: argparse.Namespace):  # noqa: ANN202
    from kiosk.station.staff_auth import StaffPins

    if getattr(args, "agent", None) is not None:      # proxy agents: their own file and lockout
        from kiosk.station.agent_auth import AgentPins

        return AgentPins(args.config.key_dir, _audit_to_log)
    return StaffPins(args.config.key_dir, _audit_to_log)


def _set_pin(args: argparse.Namespace) -> int:
    from devices.idcard.card import mask_id_number
    from forms.validators import check_any_id
    from kiosk.station.staff_auth import ROLES, PinError, check_pin_format

    agent = args.agent is not None
    if agent and check_any_id(args.agent):
        print(f"未设置：代办员身份证号码有误：{check_any_id(args.agent)}", file=sys.stderr)
        return 1
    who = f"代办员（身份证 {mask_id_number(args.agent)}）" if agent \
        else f"工号 {args.id} "
    shortest = ROLES["agent" if agent else "staff"][1]
    try:
        first = _read_pin(f"请输入{who}的新密码（{shortest}–12 位数字）：")
        problem = check_pin_format(first, shortest)
        if problem:
            print(f"未设置：{problem}", file=sys.stderr)
            return 1
        second = _read_pin("请再输入一次：")
    except EOFError:
        print("未设置：没有读到密码（需要输入两次）。", file=sys.stderr)
        return 1
    if first != second:
        print("未设置：两次输入的密码不一致。", file=sys.stderr)
        return 1
    try:
        pins = _pins(args)
        pins.enrol(args.agent, first) if agent else pins.set_pin(args.id, first)
    except PinError as exc:
        print(f"未设置：{exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"未设置：无法写入密钥目录 {args.config.key_dir}：{exc.strerror}。", file=sys.stderr)
        return 1
    print(f"已设置{who}的密码（保存在 {pins.path}）。")
    return 0


def _unlock(args: argparse.Namespace) -> int:
    from kiosk.station.staff_auth import PinError

    try:
        was_locked = _pins(args).unlock(by=getpass.getuser())
    except (PinError, OSError) as exc:
        print(f"未解锁：{getattr(exc, 'strerror', None) or exc}", file=sys.stderr)
        return 1
    print("已解除锁定。" if was_locked else "当前没有锁定，错误次数已清零。")
    return 0


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds} 秒"
    if seconds < 3600:
        return f"{seconds // 60} 分钟"
    if seconds < 86400:
        return f"{seconds // 3600} 小时 {seconds % 3600 // 60} 分"
    return f"{seconds // 86400} 天 {seconds % 86400 // 3600} 小时"


def format_health(doc: dict) -> str:
    """The health document as staff read it, in Chinese (same facts as the JSON)."""
    status = {"ok": "正常", "degraded": "有问题", "error": "无法读取运行状态"}.get(doc.get("status"), "未知")
    lines = [f"状态：{status}",
             f"版本：{doc.get('version')}　驿站：{doc.get('station_id')}　"
             f"已运行：{_duration(doc['uptime_s']) if doc.get('uptime_s') is not None else '终端程序未运行'}"]
    devices = doc.get("devices") or {}
    if devices:
        parts = [f"{name} {d.get('state') if isinstance(d, dict) else d}" for name, d in devices.items()]
        lines.append("设备：" + "；".join(parts))
    else:
        lines.append("设备：未报告")
    queue = doc.get("queue") or {}
    if queue.get("pending") is None:
        lines.append("待发：未知")
    elif queue["pending"] == 0:
        lines.append("待发：0 件")
    else:
        oldest = queue.get("oldest_age_s")
        waited = f"，最早一件已等待 {_duration(oldest)}" if oldest else ""
        lines.append(f"待发：{queue['pending']} 件{waited}")
    disk = doc.get("disk") or {}
    free = disk.get("free_bytes")
    lines.append(f"磁盘：剩余 {free / 1024**3:.1f} GB（{disk.get('path')}）" if free is not None
                 else f"磁盘：无法读取（{disk.get('path')}）")
    sync = doc.get("last_sync") or {}
    lines.append(f"上次同步成功：{sync['at']}（{_duration(sync.get('age_s') or 0)}前）" if sync.get("at")
                 else "上次同步成功：无记录")
    catalogue = doc.get("catalogue") or {}
    if catalogue.get("version") or catalogue.get("downloaded"):
        newer = f"（已下载平台版本 {catalogue['downloaded']}）" if catalogue.get("downloaded") else ""
        lines.append(f"事项目录：{catalogue.get('version') or '未知'}{newer}")
    refused = catalogue.get("refused")
    if isinstance(refused, dict):
        lines.append(f"拒收的事项目录：版本 {refused.get('version') or '未知'}，"
                     f"{refused.get('reason') or ''}")
    update_refused = doc.get("update_refused")
    if isinstance(update_refused, dict):
        lines.append(f"拒收的更新包：版本 {update_refused.get('version') or '未知'}，"
                     f"{update_refused.get('reason') or ''}")
    enrollment = doc.get("enrollment") or {}
    if enrollment.get("enrolled") is not None:
        lines.append(f"注册：已注册 {enrollment.get('station_id')}（{enrollment.get('platform_url')}）"
                     if enrollment["enrolled"] else "注册：尚未注册")
    install = doc.get("install") or {}
    if install.get("current"):
        extra = "，试运行中" if install.get("on_trial") else ""
        back = f"，可退回 {install['previous']}" if install.get("previous") else ""
        lines.append(f"软件安装：{install.get('root')} 使用 {install['current']}{extra}{back}")
    for problem in doc.get("problems") or []:
        lines.append(f"问题：{problem}")
    return "\n".join(lines)


def _health(args: argparse.Namespace) -> int:
    url = f"http://127.0.0.1:{args.port}/health"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy
    try:
        with opener.open(url, timeout=args.timeout) as response:
            body = response.read()
    except urllib.error.HTTPError as exc:           # 503: the kiosk answered, its state is unknown
        body = exc.read()
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        print(f"无法连接自助终端的健康检查端口 {url}：{reason}。终端程序可能没有运行"
              f"（systemctl status station-kiosk）。", file=sys.stderr)
        return HEALTH_UNREACHABLE
    try:
        doc = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        print(f"{url} 返回的不是健康检查数据，端口是否被其他程序占用？", file=sys.stderr)
        return HEALTH_UNREACHABLE
    print(json.dumps(doc, ensure_ascii=False, indent=1) if args.json else format_health(doc))
    return {"ok": HEALTH_OK, "degraded": HEALTH_DEGRADED}.get(doc.get("status"), HEALTH_UNREACHABLE)


def _fetch_health(port: int, timeout: float) -> dict | None:
    """The running kiosk's health document, or None when nothing answers on the port."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"http://127.0.0.1:{port}/health", timeout=timeout) as response:
            doc = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        try:
            doc = json.loads(exc.read().decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return None
    except (urllib.error.URLError, OSError, UnicodeDecodeError, ValueError):
        return None
    return doc if isinstance(doc, dict) else None


DEVICE_NAMES = ("id_reader", "receipt_printer")
NOT_RUNNING = "终端程序未运行或健康检查端口无应答"


def format_table(doc: dict) -> str:
    """`status` for staff: the health document as a two-column Chinese table."""
    rows: list[list[str]] = []
    for line in format_health(doc).splitlines():
        for part in line.split("　"):                   # 版本：…　驿站：…　已运行：… → three rows
            label, value = part.split("：", 1)
            if label == "设备" and "；" in value:
                rows += [["设备", device] for device in value.split("；")]
            else:
                rows.append([label, value])
    queue = doc.get("queue") or {}
    if queue.get("failed") is not None:
        rows.insert(next(i for i, r in enumerate(rows) if r[0] == "待发") + 1,
                    ["发送失败", f"{queue['failed']} 件"])
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"{label}{'　' * (width - len(label))}  {value}" for label, value in rows)


def _open_checked(args: argparse.Namespace):  # noqa: ANN202 - sync.store.Store
    """The station's store for an operator command, through Store.open's integrity checks
    (keys, ledger); raises sync.store.StoreError with the sentence to print."""
    from sync.store import Store

    return Store.open(args.data_dir or args.config.data_dir, args.key_dir or args.config.key_dir,
                      crypto=args.config.get("security", "crypto"))


def _same_dir(a: object, b: object) -> bool:
    from pathlib import Path

    try:
        return Path(str(a)).resolve() == Path(str(b)).resolve()
    except (OSError, ValueError):
        return False


def _status(args: argparse.Namespace) -> int:
    """Exit 0 ok, 1 degraded, 5 the station's own storage is at fault (database damaged, keys
    or ledger do not match, disk read-only): `status` runs the integrity checks itself."""
    from kiosk.station.health import HealthReport
    from kiosk.station.status import store_facts
    from kiosk.station.version import app_version
    from sync.store import StoreError

    data_dir = args.data_dir or args.config.data_dir
    port = args.port or args.config.get("ops", "health_port")
    running = _fetch_health(port, args.timeout)
    if running is not None and not _same_dir(running.get("data_dir"), data_dir):
        # another kiosk (another data directory) holds the port: its devices are not ours
        other = running.get("data_dir") or "未知"
        devices = {name: {"state": "unknown",
                          "message": f"端口 {port} 上运行的是另一个终端程序（数据目录 {other}）"}
                   for name in DEVICE_NAMES}
        running = None
    elif running is not None and isinstance(running.get("devices"), dict) and running["devices"]:
        devices = running["devices"]
    else:
        devices = {name: {"state": "unknown", "message": NOT_RUNNING} for name in DEVICE_NAMES}
    try:
        store = _open_checked(args)
        try:
            store.check()
            report = HealthReport(lambda: {"devices": devices, **store_facts(store)}, version=app_version(),
                                  station_id=store.setting("station_id") or args.config.get("station", "id"),
                                  data_dir=data_dir)
            doc = report.build()
        finally:
            store.close()
    except StoreError as exc:
        print(str(exc), file=sys.stderr)
        return STORAGE_FAULT
    doc["uptime_s"] = running.get("uptime_s") if running is not None else None
    print(json.dumps(doc, ensure_ascii=False, indent=1) if args.json else format_table(doc))
    return {"ok": HEALTH_OK, "degraded": HEALTH_DEGRADED}.get(doc.get("status"), HEALTH_UNREACHABLE)


def _audit_verify(args: argparse.Namespace) -> int:
    """Exit 0 intact; 1 the chain is broken, cut short, emptied or rewritten (against the signed
    ledger of the key directory); 5 the store cannot be read (storage fault)."""
    from sync.store import LedgerMismatch, StoreError

    data_dir = args.data_dir or args.config.data_dir
    try:
        store = _open_checked(args)
    except LedgerMismatch as exc:
        print(f"审计日志与签名账本不符：{exc}", file=sys.stderr)
        return 1
    except StoreError as exc:
        print(str(exc), file=sys.stderr)
        return STORAGE_FAULT
    try:
        store.check()
        entries = store.audit_entries()
        broken = store.verify_audit()
        head = store.audit_head()
    except StoreError as exc:
        print(str(exc), file=sys.stderr)
        return STORAGE_FAULT
    finally:
        store.close()
    print(f"审计日志共 {len(entries)} 条。")
    if broken is None:
        print(f"哈希链完整，链头（第 {head.seq} 条）与密钥目录中本机签名的账本一致，未发现篡改。")
        return 0
    entry = next((e for e in entries if e["seq"] == broken), None)
    what = f"（事件 {entry['event']}）" if entry else ""
    print(f"哈希链在第 {broken} 条{what}断开：这一条或它之前的一条被修改或删除过。"
          f"请保留数据目录 {data_dir} 原样，并联系县级运维。", file=sys.stderr)
    return 1


def _recovery_passphrase(args: argparse.Namespace) -> str:
    from kiosk.station.backup import BackupError, read_passphrase_file

    if args.passphrase_file is not None:
        return read_passphrase_file(args.passphrase_file)
    try:
        first = _read_pin("请输入恢复口令（至少 10 个字符）：")
        if first != _read_pin("请再输入一次："):
            raise BackupError("两次输入的恢复口令不一致。")
    except EOFError:
        raise BackupError("没有读到恢复口令（需要输入两次）。") from None
    return first


def _set_recovery(args: argparse.Namespace) -> int:
    """`staff set-recovery`: provision the staff-screen backup button (kiosk/station/backup.py)."""
    from kiosk.station.backup import BackupError, set_recovery_passphrase

    try:
        path = set_recovery_passphrase(args.key_dir or args.config.key_dir, _recovery_passphrase(args))
    except BackupError as exc:
        print(f"未设置：{exc}", file=sys.stderr)
        return exc.code
    print(f"已设置恢复口令（只保存由口令推导的密钥，保存在 {path}）。"
          "请把口令写在纸上交县级运维保管：恢复时要用。")
    return 0


def _backup(args: argparse.Namespace) -> int:
    """Exit 0 written; 2 no passphrase / bad folder; 5 storage (the station's or the stick's)."""
    from kiosk.station.backup import BackupError, backup_to, read_passphrase_file
    from sync.store import StoreError

    try:
        passphrase = read_passphrase_file(args.passphrase_file) if args.passphrase_file else None
        store = _open_checked(args)
        try:
            result = backup_to(args.to, store, args.key_dir or args.config.key_dir, passphrase)
            store.audit("backup", {"file": result.path.name, "submissions": result.submissions,
                                   "bytes": result.size_bytes})
        finally:
            store.close()
    except BackupError as exc:
        print(f"未备份：{exc}", file=sys.stderr)
        return exc.code
    except StoreError as exc:
        print(f"未备份：{exc}", file=sys.stderr)
        return STORAGE_FAULT
    print(f"已备份到 {result.path}：{result.submissions} 件申请（待发 {result.pending} 件）、"
          f"{result.attachments} 个附件，{result.size_bytes / 1024 / 1024:.1f} MB，"
          f"用时 {result.seconds:.1f} 秒。")
    return 0


def _restore(args: argparse.Namespace) -> int:
    """Exit 0 restored; 2 wrong passphrase, not a backup, target not empty; 5 damaged or storage."""
    from kiosk.station.backup import BackupError, read_passphrase_file, restore

    try:
        manifest = restore(args.file, read_passphrase_file(args.passphrase_file), args.data_dir, args.key_dir)
    except BackupError as exc:
        print(f"未恢复：{exc}", file=sys.stderr)
        return exc.code
    counts = manifest.get("counts") or {}
    print(f"已恢复驿站 {manifest.get('station_id') or '（未注册）'} 于 {manifest.get('created_at')} 的备份："
          f"{counts.get('submissions')} 件申请，其中待发 {counts.get('pending')} 件，"
          "联网后会发送（每件只送达一次）。"
          f"数据目录 {args.data_dir}，密钥目录 {args.key_dir}。")
    return 0


def _store_accept(args: argparse.Namespace) -> int:
    """`store accept`: the documented way out of a refused rollback (installer/README.md)."""
    from sync.store import Store, StoreError

    try:
        store = Store.open(args.data_dir or args.config.data_dir, args.key_dir or args.config.key_dir,
                           crypto=args.config.get("security", "crypto"), reanchor=args.reason)
    except StoreError as exc:
        print(f"未接受：{exc}", file=sys.stderr)
        return STORAGE_FAULT
    head = store.audit_head()
    store.close()
    print(f"已把当前数据库作为本机的记录（审计记录 {head.seq} 条，新的存储标识 {head.store_id[:8]}…），"
          "账本已重新签署；临时受理号向后跳过，不会与丢失的记录重号。")
    return 0


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"端口应为整数，现在是 {text!r}") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError("端口应在 1–65535 之间")
    return value


def register(commands) -> None:  # noqa: ANN001 - main.Commands
    staff = commands.group("staff", "工作人员密码")
    set_pin = staff.add_parser("set-pin", help="设置或更换工作人员密码（从终端输入两次）",
                               description="设置或更换工作人员密码：从终端（或标准输入的两行）读入两次，"
                                           "以 scrypt 散列保存在密钥目录，文件权限 0600。")
    set_pin.add_argument("--id", default="duty", metavar="工号",
                         help="工号（缺省 duty：值班人员共用）")
    set_pin.add_argument("--agent", metavar="身份证号",
                         help="改为登记代办员：其本人身份证号码（登录时读卡＋密码，4–12 位数字）")
    set_pin.set_defaults(handler=_set_pin)
    recovery = staff.add_parser(
        "set-recovery", help="设置备份用的恢复口令（工作人员界面的“备份”按钮用它）",
        description="设置恢复口令：备份文件用它经 scrypt 加密；本机只保存推导出的密钥（密钥目录，0600）。"
                    "口令写在纸上交县级运维保管，恢复时要用。退出码：0 已设置，2 口令不合要求，5 无法写入。")
    recovery.add_argument("--passphrase-file", type=Path, metavar="FILE",
                          help="从文件第一行读取口令（缺省从终端输入两次）")
    recovery.add_argument("--key-dir", type=Path, metavar="DIR", help="密钥目录（缺省取配置 paths.key_dir）")
    recovery.set_defaults(handler=_set_recovery)
    unlock = staff.add_parser("unlock", help="解除密码错误过多造成的锁定")
    unlock.add_argument("--agent", action="store_const", const="", help="解除代办员登录的锁定")
    unlock.set_defaults(handler=_unlock)

    health = commands.add(
        "health", "查询本机正在运行的自助终端的健康状态（设备、待发队列、磁盘、同步）", _health)
    health.epilog = "退出码：0 正常，1 有问题，3 无法连接或无法读取状态。"
    health.add_argument("--port", type=_port, default=DEFAULT_HEALTH_PORT, metavar="端口",
                        help=f"健康检查端口（缺省 {DEFAULT_HEALTH_PORT}）")
    health.add_argument("--json", action="store_true", help="输出原始 JSON")
    health.add_argument("--timeout", type=float, default=5.0, metavar="秒", help="等待应答的秒数")

    status = commands.add("status", "本机运行状态（版本、设备、待发队列、磁盘、同步、事项目录、注册），"
                                    "与健康检查端口内容相同", _status)
    status.epilog = ("设备状态取自正在运行的、使用同一数据目录的终端程序（健康检查端口）；"
                     "程序未运行或端口上是另一个数据目录的程序时显示 unknown。"
                     "同时检查数据库（quick_check）、密钥与签名账本。退出码：0 正常，1 有问题，"
                     "5 本地存储有问题（数据库损坏、密钥或账本不符、磁盘只读）。")
    status.add_argument("--json", action="store_true", help="输出 JSON（与健康检查端口相同的文档）")
    _dir_options(status)
    status.add_argument("--port", type=_port, metavar="端口",
                        help="健康检查端口（缺省取配置 ops.health_port）")
    status.add_argument("--timeout", type=float, default=2.0, metavar="秒", help="等待终端程序应答的秒数")

    audit = commands.group("audit", "审计日志")
    verify = audit.add_parser("verify",
                              help="检查审计日志的哈希链是否完整，并与密钥目录中签名的账本核对"
                                   "（退出码 0 完整，1 被篡改、截断或清空，5 无法读取本地数据）")
    _dir_options(verify)
    verify.set_defaults(handler=_audit_verify)

    backup = commands.add("backup", "把整台终端（数据库、附件、密钥）备份成一个加密文件，如存到 U 盘",
                          _backup)
    backup.epilog = ("文件用恢复口令（scrypt）加密，不含任何明文姓名或身份证号。"
                     "缺省使用 staff set-recovery 设置的口令。"
                     "退出码：0 已备份，2 没有口令或目录不对，5 存储问题。")
    backup.add_argument("--to", type=Path, required=True, metavar="DIR", help="备份到哪个目录（如 U 盘）")
    backup.add_argument("--passphrase-file", type=Path, metavar="FILE", help="恢复口令文件（第一行）")
    _dir_options(backup)
    restore_cmd = commands.add("restore", "在新电脑上从备份文件恢复整台终端（只恢复到空目录）", _restore)
    restore_cmd.epilog = ("退出码：0 已恢复，2 口令不对、不是备份文件或目标目录不空，"
                          "5 备份文件损坏或存储问题。")
    restore_cmd.add_argument("file", type=Path, metavar="FILE", help="备份文件（.kbak）")
    for flag, what in (("--passphrase-file", "恢复口令文件"), ("--data-dir", "恢复到的数据目录（须为空）"),
                       ("--key-dir", "恢复到的密钥目录（须为空）")):
        restore_cmd.add_argument(flag, type=Path, required=True, metavar="FILE" if "pass" in flag else "DIR",
                                 help=what)

    store_group = commands.group("store", "本地数据的完整性")
    accept = store_group.add_parser(
        "accept", help="确认用当前（较旧的）数据库继续工作：重新签署账本（见 installer/README.md）",
        description="数据库比账本旧、被清空或账本缺失时程序会停止。核实无法找回更新的数据后，由县级运维用本命令"
                    "把当前数据库作为本机记录：换新的存储标识，审计记录原因，临时受理号向后跳过。密钥不符时不能用。"
                    "退出码：0 已接受，5 仍无法打开。")
    accept.add_argument("--reason", required=True, metavar="文字", help="原因（写入审计日志）")
    _dir_options(accept)
    accept.set_defaults(handler=_store_accept)

    _register_update(commands)


DEFAULT_INSTALL_ROOT = "/opt/station-kiosk"


def _register_update(commands) -> None:  # noqa: ANN001 - main.Commands
    from pathlib import Path

    update = commands.group("update", "软件更新（只接受省平台签名的更新包）")
    make = update.add_parser("make", help="参考平台：把程序目录打成签名的更新包",
                             description="参考平台：把程序目录打成更新包（清单含版本和每个文件的 SHA-256，"
                                         "用平台数据目录中的平台签名密钥签名）。")
    make.add_argument("app_dir", metavar="APP_DIR", type=Path, help="程序目录（不含 .git、.venv、缓存）")
    make.add_argument("--version", required=True, dest="package_version", metavar="版本", help="新版本号")
    make.add_argument("--data", required=True, type=Path, metavar="DIR", help="平台数据目录（含签名密钥）")
    make.add_argument("--out", required=True, type=Path, metavar="FILE", help="更新包文件（.tar.gz）")
    make.set_defaults(handler=_update_make)
    apply = update.add_parser("apply", help="核验并安装更新包（失败时原版本照常运行）",
                              description="核验更新包的签名（本机注册时登记的省平台公钥）、每个文件的 "
                                          "SHA-256 和版本号，装入 ROOT/versions/<版本>，再原子地把 "
                                          "ROOT/current 指向它。"
                                          "退出码：0 已安装，1 拒绝安装，5 无法读取本地数据（存储问题）。")
    apply.add_argument("package", metavar="FILE", type=Path, help="更新包文件")
    _root_options(apply)
    _dir_options(apply)
    apply.set_defaults(handler=_update_apply)
    apply.epilog = RESTART_NOTE
    staged = update.add_parser(
        "apply-staged", help="安装管控平台分批发布、由终端程序下载到数据目录的更新包（root 运行）",
        description="终端程序（非特权用户）把管控平台提供的更新包下载到 DATA/updates/staged/；本命令以 root "
                    "运行（station-kiosk-update.path 发现新包时启动），像 update apply 一样核验省平台签名、"
                    "每个文件的 SHA-256 和版本号后安装，并删除已装的包。拒绝安装的包移到 "
                    "DATA/updates/refused/ 并记下原因，不会再下载；曾在本机退回过的版本不再自动安装。"
                    "退出码：0 已安装或没有待装的包，1 拒绝安装，5 无法读取本地数据（存储问题）。")
    _root_options(staged)
    _dir_options(staged)
    staged.set_defaults(handler=_update_apply_staged)
    staged.epilog = RESTART_NOTE
    rollback = update.add_parser(
        "rollback", help="退回上一个版本（ROOT/previous），并重启服务",
        description="把 ROOT/current 原子地指回上一个正常运行过的版本（ROOT/previous）。新版本连续 3 次未能"
                    "正常启动时，服务会自动这样做（installer/README.md）。退出码：0 已退回，1 无法退回。")
    _root_options(rollback)
    _dir_options(rollback)
    rollback.set_defaults(handler=_update_rollback)
    rollback.epilog = RESTART_NOTE
    show = update.add_parser("show", help="查看已安装的版本、正在使用的版本、试运行与上次退回")
    show.add_argument("--root", type=Path, default=Path(DEFAULT_INSTALL_ROOT), metavar="DIR",
                      help=f"安装目录（缺省 {DEFAULT_INSTALL_ROOT}）")
    show.add_argument("--json", action="store_true", help="输出 JSON")
    show.set_defaults(handler=_update_show)


SERVICE = "station-kiosk.service"
RESTART_NOTE = (f"以 root 运行且本机由 systemd 管理时，完成后执行 systemctl try-restart {SERVICE}"
                "（服务在运行才重启），新版本立即生效；否则请自行重启服务或电脑。--no-restart 不重启。")


def _root_options(p: argparse.ArgumentParser) -> None:
    from pathlib import Path

    p.add_argument("--root", type=Path, default=Path(DEFAULT_INSTALL_ROOT), metavar="DIR",
                   help=f"安装目录（缺省 {DEFAULT_INSTALL_ROOT}）")
    p.add_argument("--no-restart", action="store_true", help="不重启服务（下次启动时生效）")


def _restart_service(args: argparse.Namespace) -> None:
    """Ask systemd to restart the kiosk so the version `current` now points at is what runs.

    Why here and only as root: `update apply`/`rollback` write the root-owned install directory,
    so they run as root (a technician, a USB-stick script with sudo), and root may restart the
    unit. `try-restart` leaves a stopped service stopped. Without systemd (a developer's PC, a
    container) or as another user, the command says what to do instead."""
    import os
    import shutil
    import subprocess
    from pathlib import Path

    if args.no_restart:
        print(f"未重启服务（--no-restart）：下次启动时生效，或运行 systemctl restart {SERVICE}。")
        return
    if os.geteuid() != 0 or not Path("/run/systemd/system").is_dir() or shutil.which("systemctl") is None:
        print(f"请重启服务使其生效：sudo systemctl restart {SERVICE}（或重启电脑）。")
        return
    try:
        result = subprocess.run(["systemctl", "try-restart", SERVICE], capture_output=True, text=True,
                                timeout=180)
    except (OSError, subprocess.TimeoutExpired) as exc:
        print(f"重启服务没有成功（{exc}）：请运行 systemctl restart {SERVICE}。", file=sys.stderr)
        return
    if result.returncode == 0:
        print(f"已请求 systemd 重启 {SERVICE}（服务在运行时）。")
    else:
        print(f"重启服务没有成功（{result.stderr.strip()}）：请运行 systemctl restart {SERVICE}。",
              file=sys.stderr)


def _update_make(args: argparse.Namespace) -> int:
    from kiosk.station.updates import UpdateRefused, make_package
    from sync import signing
    from sync.crypto import CryptoError
    from sync.platform import signing_key_path

    if not args.app_dir.is_dir():
        print(f"程序目录 {args.app_dir} 不存在。", file=sys.stderr)
        return 1
    try:
        key = signing.load_or_create_signing_key(signing_key_path(args.data))
        manifest = make_package(args.app_dir, args.package_version, key, args.out)
    except (UpdateRefused, CryptoError) as exc:
        print(f"未生成：{exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"未生成：无法读写文件：{exc.strerror}（{exc.filename}）。", file=sys.stderr)
        return 1
    print(f"已生成更新包 {args.out}：版本 {manifest['version']}，{len(manifest['files'])} 个文件。")
    return 0


def _update_apply(args: argparse.Namespace) -> int:
    from kiosk.station.updates import UpdateRefused, apply_package, installed_version
    from kiosk.station.version import app_version
    from sync.enrollment import platform_key
    from sync.store import StoreError

    try:
        store = _open_checked(args)
    except StoreError as exc:
        print(f"未安装：{exc}", file=sys.stderr)
        return STORAGE_FAULT
    try:
        current = installed_version(args.root, fallback=app_version())
        try:
            manifest = apply_package(args.package, args.root, platform_key(store), current)
        except UpdateRefused as exc:
            store.audit("update_refused", {"package": args.package.name})
            print(f"未安装：{exc}", file=sys.stderr)
            return 1
        except OSError as exc:
            print(f"未安装：无法写入安装目录 {args.root}：{exc.strerror}。原版本照常运行。", file=sys.stderr)
            return 1
        store.audit("update_installed", {"version": manifest["version"], "previous": current})
    finally:
        store.close()
    return _installed(args, manifest["version"], current)


def _installed(args: argparse.Namespace, version: str, previous: str | None) -> int:
    """What `update apply` and `update apply-staged` say once `current` points at the new version,
    then the restart that runs it."""
    print(f"已安装版本 {version}（原版本 {previous}），{args.root / 'current'} 已指向新版本。"
          f"新版本试运行：连续 3 次未能正常启动时自动退回 {previous}。")
    _restart_service(args)
    return 0


def _update_apply_staged(args: argparse.Namespace) -> int:
    """The root half of a console rollout (sync/fleet_offers.py is the unprivileged half): apply
    the newest staged package with the same `apply_package` as `update apply`."""
    from pathlib import Path

    from kiosk.station import versions
    from kiosk.station.updates import UpdateRefused, apply_package, installed_version
    from kiosk.station.version import app_version
    from sync.documents import version_key
    from sync.enrollment import platform_key
    from sync.fleet_offers import PACKAGE_SUFFIX, note_refused, park_for_retry, staged_packages
    from sync.store import StoreError
    from sync.update_package import NotAPackage, package_version, sha256_file

    data_dir = Path(args.data_dir or args.config.data_dir)
    waiting = staged_packages(data_dir)
    if not waiting:
        print("没有待安装的更新包。")
        return 0

    def named(package: Path) -> str:            # the offer's version (the file's name)
        return package.name[: -len(PACKAGE_SUFFIX)]

    waiting.sort(key=lambda p: version_key(named(p)))
    package, older = waiting[-1], waiting[:-1]
    try:
        store = _open_checked(args)
    except StoreError as exc:
        park_for_retry(package)
        print(f"未安装：{exc}（一小时后再试）", file=sys.stderr)
        return STORAGE_FAULT
    try:
        for old in older:                       # superseded before the root side got to it
            note_refused(data_dir, sha256_file(old), "software", named(old), "not_newer",
                         f"已有更新的包 {package.name}，未安装。", old)
        digest = sha256_file(package)
        current = installed_version(args.root, fallback=app_version())
        try:
            try:
                version = package_version(package)
            except NotAPackage:
                version = None                  # apply_package says why, in its words
            rolled = versions.last_rollback(args.root) or {}
            if version is not None and (rolled.get("from") == version or (
                    args.root / "versions" / f"{version}{versions.ROLLED_BACK_SUFFIX}").exists()):
                raise UpdateRefused(f"版本 {version} 曾在本机安装后未能正常启动而退回，不再自动安装；"
                                    "查明原因后可用 update apply 手动安装。", "rolled_back")
            manifest = apply_package(package, args.root, platform_key(store), current)
        except UpdateRefused as exc:
            # noted under the version the console offered (the file's name): the report names the offer
            note_refused(data_dir, digest, "software", named(package), exc.code, str(exc), package)
            store.audit("update_refused", {"package": package.name, "code": exc.code})
            print(f"未安装：{exc}（已移到 {data_dir / 'updates' / 'refused'}，不会再下载）", file=sys.stderr)
            return 1
        except OSError as exc:
            park_for_retry(package)
            print(f"未安装：无法写入安装目录 {args.root}：{exc.strerror}。原版本照常运行，一小时后再试。",
                  file=sys.stderr)
            return 1
        package.unlink(missing_ok=True)
        store.audit("update_installed", {"version": manifest["version"], "previous": current,
                                         "source": "fleet_console"})
    finally:
        store.close()
    return _installed(args, manifest["version"], current)


def _update_rollback(args: argparse.Namespace) -> int:
    from kiosk.station.versions import VersionsError, rollback
    from sync.store import Store, StoreError

    try:
        from_version, to_version = rollback(args.root, "工作人员手动退回")
    except VersionsError as exc:
        print(f"未退回：{exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"未退回：无法写入安装目录 {args.root}：{exc.strerror}。", file=sys.stderr)
        return 1
    print(f"已从版本 {from_version} 退回版本 {to_version}，{args.root / 'current'} 已指回。")
    try:                                    # the rollback is done; the audit entry is best effort
        store = Store.open(args.data_dir or args.config.data_dir, args.key_dir or args.config.key_dir,
                           crypto=args.config.get("security", "crypto"))
    except StoreError as exc:
        print(f"（未能写入审计日志：{exc}）", file=sys.stderr)
    else:
        try:
            store.audit("update_rolled_back", {"from": from_version, "to": to_version})
        finally:
            store.close()
    _restart_service(args)
    return 0


def _update_show(args: argparse.Namespace) -> int:
    from datetime import datetime

    from kiosk.station.versions import describe

    doc = describe(args.root)
    if args.json:
        print(json.dumps(doc, ensure_ascii=False, indent=1))
        return 0
    print(f"安装目录：{doc['root']}")
    print(f"正在使用：{doc['current'] or '无（current 不存在）'}")
    print(f"上一个版本：{doc['previous'] or '无'}")
    trial = doc["trial"]
    if trial:
        print(f"试运行：版本 {trial.get('version')} 已启动 {trial.get('starts')} 次，"
              f"未通过前可自动退回 {trial.get('previous')}")
    rolled = doc["last_rollback"]
    if rolled:
        when = datetime.fromtimestamp(float(rolled.get("at") or 0)).strftime("%Y-%m-%d %H:%M")
        print(f"上次退回：{when} 从 {rolled.get('from')} 退回 {rolled.get('to')}（{rolled.get('reason')}）")
    print("已安装：" + ("、".join(doc["installed"]) or "无"))
    return 0

def _dir_options(p: argparse.ArgumentParser) -> None:
    from pathlib import Path

    p.add_argument("--data-dir", type=Path, metavar="DIR", help="数据目录（缺省取配置 paths.data_dir）")
    p.add_argument("--key-dir", type=Path, metavar="DIR", help="密钥目录（缺省取配置 paths.key_dir）")
