"""Commands for running a station: `staff set-pin`, `staff unlock`, and `health`."""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys
import urllib.error
import urllib.request

DEFAULT_HEALTH_PORT = 8790

# Exit codes of `health` (documented in its help): monitoring scripts act on them.
HEALTH_OK, HEALTH_DEGRADED, HEALTH_UNREACHABLE = 0, 1, 3


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
    from kiosk.staff_auth import StaffPins

    if getattr(args, "agent", None) is not None:      # proxy agents: their own file and lockout
        from kiosk.agent_auth import AgentPins

        return AgentPins(args.config.key_dir, _audit_to_log)
    return StaffPins(args.config.key_dir, _audit_to_log)


def _set_pin(args: argparse.Namespace) -> int:
    from forms.validators import check_any_id
    from kiosk.staff_auth import ROLES, PinError, check_pin_format

    agent = args.agent is not None
    if agent and check_any_id(args.agent):
        print(f"未设置：代办员身份证号码有误：{check_any_id(args.agent)}", file=sys.stderr)
        return 1
    who = f"代办员（身份证 {args.agent[:4]}{'*' * (len(args.agent) - 6)}{args.agent[-2:]}）" if agent \
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
    from kiosk.staff_auth import PinError

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
             f"已运行：{_duration(doc.get('uptime_s') or 0)}"]
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
