"""Which stations the console accepts reports from: their public keys and where they are.

Why an import and not a second enrollment: a station already has one identity, the Ed25519 key
it enrolled with at the provincial platform, and signs the platform's requests with it. The
console verifies reports with that same public key, so nothing new is issued or kept on the
station. The platform knows every enrolled key (`main.py platform export-stations`); the county
adds where each station is (township, name, address, pilot ring) in the same JSON lines and
imports them: `main.py console import-stations FILE`. A station missing from the console is
answered 403 and keeps its report queued, so importing late loses nothing.

One JSON object per line:
    {"station_id": "210124-0007", "public_key": "<base64 raw Ed25519, 32 bytes>",
     "township": "叶茂台镇", "name": "叶茂台镇政务服务驿站", "address": "…", "ring": "pilot"}
`division_code` defaults to the station id's first six digits; `city` and `county` to their names
in forms/divisions.py. Lines that break these rules are reported and skipped.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from forms import divisions
from sync import signing

_STATION = re.compile(r"^[0-9]{6}-[0-9]{4}$")
_DIVISION = re.compile(r"^[0-9]{6}$")
MAX_FILE = 64 * 1024 * 1024
_TEXT_FIELDS = ("city", "county", "township", "name", "address")


class ImportProblem(Exception):
    """The file cannot be read at all (message in Chinese)."""


def station_row(entry: Any) -> dict[str, Any]:
    """One line's station, checked; ValueError with a Chinese reason."""
    if not isinstance(entry, dict):
        raise ValueError("应为 JSON 对象")
    sid = entry.get("station_id")
    if not isinstance(sid, str) or not _STATION.match(sid):
        raise ValueError("station_id 应为“6 位行政区划代码-4 位序号”，如 210102-0001")
    try:
        raw = signing.unb64(str(entry.get("public_key", "")))
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise ValueError("public_key 应为 base64 编码的 32 字节 Ed25519 公钥")
    division = str(entry.get("division_code") or sid[:6])
    if not _DIVISION.match(division):
        raise ValueError("division_code 应为 6 位行政区划代码")
    ring = entry.get("ring", "main")
    if ring not in ("main", "pilot"):
        raise ValueError("ring 只能是 main 或 pilot")
    row = {"station_id": sid, "public_key": signing.b64(raw), "division_code": division, "ring": ring}
    for name in _TEXT_FIELDS:
        value = entry.get(name, "")
        if not isinstance(value, str) or len(value) > 200:
            raise ValueError(f"{name} 应为不超过 200 字的文字")
        row[name] = value.strip()
    row["city"] = row["city"] or (divisions.name_of(division[:4] + "00") or "")
    row["county"] = row["county"] or (divisions.name_of(division) or "")
    return row


def read_station_lines(path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """(stations, problems) from a JSON-lines file; ImportProblem when the file cannot be read."""
    path = Path(path)
    try:
        if path.is_dir():
            raise ImportProblem(f"{path} 是文件夹，请给出驿站清单文件。")
        if path.stat().st_size > MAX_FILE:
            raise ImportProblem(f"{path} 超过 64 MiB，请分成几个文件导入。")
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ImportProblem(f"找不到驿站清单文件 {path}。") from None
    except UnicodeDecodeError:
        raise ImportProblem(f"{path} 不是 UTF-8 文本，请另存为 UTF-8 后再导入。") from None
    except OSError:
        raise ImportProblem(f"无法读取驿站清单文件 {path}。") from None
    stations: dict[str, dict[str, Any]] = {}
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = station_row(json.loads(line))
        except ValueError as exc:  # json.JSONDecodeError is a ValueError
            reason = "不是有效的 JSON" if isinstance(exc, json.JSONDecodeError) else str(exc)
            problems.append(f"第 {number} 行未导入：{reason}。")
            continue
        stations[row["station_id"]] = row
    return list(stations.values()), problems
