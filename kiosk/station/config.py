"""Station configuration: a TOML file with defaults for every key.

Why a hand-written table of keys instead of a generic loader: the person who edits `station.toml`
is a county technician on a village PC, not a programmer. Every mistake must come back as one
plain Chinese sentence naming the section and key, never a traceback. Unknown keys are refused for
the same reason (a misspelt key silently ignored is a setting that silently does not apply).

This module is plain Python: the command line, the Qt layer and the tests all read it.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class ConfigError(Exception):
    """A configuration problem, with a message meant for the technician (in Chinese)."""


@dataclass(frozen=True)
class _Key:
    kind: type
    default: Any
    help: str
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None


_DEFAULT_DATA_DIR = "~/.local/share/station-kiosk"
_DEFAULT_KEY_DIR = "~/.config/station-kiosk/keys"

# section -> key -> spec. The single source of truth for what station.toml may hold.
SCHEMA: dict[str, dict[str, _Key]] = {
    "station": {
        "id": _Key(str, "210102-0001", "驿站编号：6 位行政区划代码-4 位序号（区划代码是驿站所在的县区，"
                                       "通办按它判断哪些事项本站能收）"),
        "name": _Key(str, "南湖街道政务服务驿站", "屏幕上显示的驿站名称"),
        "hotline": _Key(str, "12345", "政务服务热线"),
    },
    "paths": {
        "data_dir": _Key(str, _DEFAULT_DATA_DIR, "本地数据目录（数据库、附件）"),
        "key_dir": _Key(str, _DEFAULT_KEY_DIR, "密钥目录（须在数据目录之外，权限 0700）"),
    },
    "platform": {
        "url": _Key(str, "http://127.0.0.1:8700/api/v1", "省一体化政务服务平台接口地址"),
        "timeout_s": _Key(float, 15.0, "单次请求超时（秒）", minimum=1, maximum=300),
        "proxy": _Key(str, "none", "访问省平台的 HTTP 代理，如 http://10.1.1.1:3128（none：直连，不用系统代理）"),
    },
    "devices": {
        "id_reader": _Key(str, "/dev/idcard", "身份证阅读器：串口路径、sdk:库文件路径（演示为 simulator）"),
        "id_reader_baud": _Key(int, 115200, "身份证阅读器波特率", minimum=9600, maximum=115200),
        "receipt_printer": _Key(str, "/dev/receipt", "凭条打印机：串口路径、tcp:地址（演示为 simulator）"),
        "receipt_width_mm": _Key(int, 80, "凭条纸宽（毫米）", choices=("58", "80")),
        "camera": _Key(str, "0", "摄像头：设备编号（演示为 simulator）"),
        "qr_camera": _Key(str, "1", "扫码摄像头（朝向群众，读辽事通身份码）：设备编号、视频设备路径或图片文件"
                               "（演示为 simulator）"),
        "a4_printer": _Key(str, "pdf", "A4 打印机：pdf（写入文件）或 CUPS 打印机名"),
        "scan_engine": _Key(str, "none", "嵌入式扫码模块（USB-COM 串口方式），如 /dev/ttyACM0；none：没有"),
        "scan_engine_encoding": _Key(str, "auto", "扫码模块的中文编码设置：gbk、utf-8 或 auto（自动识别）",
                                     choices=("gbk", "utf-8", "auto")),
        "scan_wedge": _Key(bool, False, "扫码模块以键盘方式（USB-KBW）接入：true 时识别快速按键为扫码"),
        "scan_wedge_alt": _Key(str, "gbk", "键盘方式下中文的 Alt+小键盘编码：gbk、unicode 或 utf-8",
                               choices=("gbk", "unicode", "utf-8")),
    },
    "security": {
        "crypto": _Key(str, "aes", "本地加密算法：aes（AES-256-GCM）或 sm4（国密 SM4-GCM/SM3）",
                       choices=("aes", "sm4")),
    },
    "privacy": {
        "retention_days": _Key(int, 90, "平台办结多少天后删除本机上的申请个人信息（只留回执信息）",
                               minimum=1, maximum=3650),
    },
    "console": {
        "url": _Key(str, "none", "驿站管控平台的报告接口地址，如 http://10.21.0.5:8090/api/v1（none：不报告）"),
        "interval_s": _Key(int, 60, "多久向管控平台报告一次运行状态（秒）", minimum=30, maximum=3600),
    },
    "ops": {
        "health_port": _Key(int, 8790, "本机健康检查端口（仅 127.0.0.1）", minimum=1024, maximum=65535),
    },
    "staff": {
        "max_failures": _Key(int, 5, "工作人员密码连续输错几次后锁定", minimum=3, maximum=10),
        "lockout_min": _Key(int, 15, "锁定多少分钟", minimum=1, maximum=1440),
    },
    "kiosk": {
        "instant_wait_seconds": _Key(int, 60, "即办件立等可取：联网时最多等平台办结多少秒，然后当场打印结果"
                                              "（等不到就打印受理凭条）", minimum=1, maximum=300),
    },
    "ui": {
        "idle_timeout_s": _Key(int, 90, "无操作多少秒后提醒", minimum=15, maximum=3600),
        "warning_s": _Key(int, 30, "提醒倒计时秒数（不少于 20 秒）", minimum=20, maximum=300),
        "large_text": _Key(bool, False, "默认大字模式"),
        "voice": _Key(bool, True, "语音提示"),
        "fullscreen": _Key(bool, True, "全屏（自助终端模式）"),
        "orientation": _Key(str, "portrait", "屏幕方向", choices=("portrait", "landscape")),
    },
}

_KIND_NAMES = {str: "文字", int: "整数", float: "数字", bool: "true 或 false"}


@dataclass(frozen=True)
class Config:
    """The resolved configuration. `values[section][key]` holds every key, defaults filled in."""

    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    source: Path | None = None

    def get(self, section: str, key: str) -> Any:
        return self.values[section][key]

    @property
    def data_dir(self) -> Path:
        return Path(os.path.expanduser(self.values["paths"]["data_dir"]))

    @property
    def station_division(self) -> str:
        """The station's county (GB/T 2260), the first six digits of `[station] id`: what 通办
        compares the resident's place with (forms.handling). One key, so that the id the
        platform knows the station by and the place it serves cannot disagree."""
        return str(self.values["station"]["id"])[:6]

    @property
    def key_dir(self) -> Path:
        return Path(os.path.expanduser(self.values["paths"]["key_dir"]))

    def with_overrides(self, overrides: dict[str, dict[str, Any]]) -> Config:
        """A copy with some keys replaced, each checked like a value from the file."""
        merged = {s: dict(v) for s, v in self.values.items()}
        for section, keys in overrides.items():
            for key, raw in keys.items():
                merged[section][key] = _check(section, key, raw, self.source)
        return Config(merged, self.source)


def defaults() -> Config:
    """The configuration a station gets with no file at all."""
    return Config({s: {k: spec.default for k, spec in keys.items()} for s, keys in SCHEMA.items()})


def _where(source: Path | None) -> str:
    return f"配置文件 {source}" if source else "配置"


def _check(section: str, key: str, raw: Any, source: Path | None) -> Any:
    spec = SCHEMA[section][key]
    where = f"{_where(source)} 中 [{section}] 的 {key}（{spec.help}）"
    value = raw
    if spec.kind is float and isinstance(raw, int) and not isinstance(raw, bool):
        value = float(raw)
    if spec.kind is bool and not isinstance(raw, bool):
        raise ConfigError(f"{where} 应为 {_KIND_NAMES[bool]}，现在是 {raw!r}。")
    if spec.kind is not bool and (isinstance(raw, bool) or not isinstance(value, spec.kind)):
        raise ConfigError(f"{where} 应为{_KIND_NAMES[spec.kind]}，现在是 {raw!r}。")
    if isinstance(value, float) and not math.isfinite(value):
        # nan passes every < and > test, so it must be refused by name (a nan timeout crashes
        # the socket layer later, far from the file that caused it)
        raise ConfigError(f"{where}应为有限的数字（如 15），现在是 {raw!r}。")
    if spec.choices and str(value) not in spec.choices:
        raise ConfigError(f"{where} 只能是 {' 或 '.join(spec.choices)}，现在是 {raw!r}。")
    if spec.minimum is not None and value < spec.minimum:
        raise ConfigError(f"{where} 不能小于 {spec.minimum:g}，现在是 {raw!r}。")
    if spec.maximum is not None and value > spec.maximum:
        raise ConfigError(f"{where} 不能大于 {spec.maximum:g}，现在是 {raw!r}。")
    if isinstance(value, str) and not value.strip():
        raise ConfigError(f"{where} 不能为空。")
    return value


def load(path: Path | str) -> Config:
    """Read and check a station.toml. Raises ConfigError with a Chinese message naming the key."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"找不到配置文件 {path}。请检查路径，或用 example_toml() 生成一份示例。"
        ) from None
    except UnicodeDecodeError:
        raise ConfigError(f"配置文件 {path} 不是 UTF-8 编码，请用 UTF-8 保存。") from None
    except OSError as exc:
        raise ConfigError(f"无法读取配置文件 {path}：{exc.strerror}。") from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(_toml_syntax_message(path, text, exc)) from None

    values = defaults().values
    for section, keys in document.items():
        if section not in SCHEMA:
            known = "、".join(f"[{s}]" for s in SCHEMA)
            raise ConfigError(f"配置文件 {path} 中有未知的小节 [{section}]。可用的小节：{known}。")
        if not isinstance(keys, dict):
            raise ConfigError(f"配置文件 {path} 中 {section} 应为小节 [{section}]，不是单个值。")
        for key, raw in keys.items():
            if key not in SCHEMA[section]:
                known = "、".join(SCHEMA[section])
                raise ConfigError(f"配置文件 {path} 中 [{section}] 有未知的项 {key}。可用的项：{known}。")
            values[section][key] = _check(section, key, raw, path)
    console_url = values["console"]["url"].strip()
    if console_url != "none" and not re.fullmatch(r"https?://[^\s/]+(/\S*)?", console_url):
        raise ConfigError(
            f"配置文件 {path} 中 [console] 的 url 应以 http:// 或 https:// 开头（或写 none），"
            f"现在是 {console_url!r}。"
        )
    station_id = values["station"]["id"]
    if not _valid_station_id(station_id):
        raise ConfigError(
            f"配置文件 {path} 中 [station] 的 id 应为“6 位行政区划代码-4 位序号”，如 210102-0001，"
            f"现在是 {station_id!r}。"
        )
    return Config(values, path)


_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def _toml_syntax_message(path: Path, text: str, exc: tomllib.TOMLDecodeError) -> str:
    """One Chinese sentence naming the line, instead of tomllib's English text.

    tomllib (3.11) only puts the position in its message, "(at line L, column C)" or "(at end of
    document)"; the English description itself is not shown to the technician.
    """
    found = _TOML_POSITION.search(str(exc))
    if found:
        line_no = int(found.group(1))
        lines = text.splitlines()
        shown = lines[line_no - 1].strip() if 0 < line_no <= len(lines) else ""
        quoted = f"（“{shown[:60]}”）" if shown else ""
        return (f"配置文件 {path} 第 {line_no} 行{quoted}格式有误：请检查方括号、引号和等号，"
                f"或对照示例修改。")
    return f"配置文件 {path} 格式有误：文件末尾不完整（缺少引号或括号），请对照示例修改。"


def _valid_station_id(value: str) -> bool:
    head, sep, tail = value.partition("-")
    return bool(re.fullmatch(r"[0-9]{6}", head)) and bool(sep) and bool(re.fullmatch(r"[0-9]{4}", tail))


def example_toml() -> str:
    """The example file, generated from SCHEMA so it can never drift from what `load` accepts."""
    lines = ["# 驿站自助终端配置（station.toml）。删去的项取默认值。", ""]
    for section, keys in SCHEMA.items():
        lines.append(f"[{section}]")
        for key, spec in keys.items():
            lines.append(f"# {spec.help}")
            lines.append(f"{key} = {_toml_literal(spec.default)}")
        lines.append("")
    return "\n".join(lines)


def _toml_literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)
