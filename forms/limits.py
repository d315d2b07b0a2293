"""Limits on every JSON input: size, nesting depth and string length, checked before use.

Why one module: a catalogue file, an answers file, a catalogue downloaded from the platform and a
request body at the reference platform are all JSON from outside. Python's `json` reads any size
and raises RecursionError on deep nesting (100 000 `[` took the `catalogue` commands down with a
traceback); a 50 MB description was accepted and then drawn on the kiosk's screen. The limits are
generous for real documents (the shipped catalogue is 60 KB, 9 levels deep, its longest text
500 characters) and every refusal is a typed error with one Chinese sentence.

Plain Python, no Qt: the sync room (documents, reference platform) uses it too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from forms.errors import FormsError

MAX_DEPTH = 32              # objects and arrays inside each other
MAX_STRING = 20_000         # characters in one string (a commitment text is < 1 000)
MAX_FILE_BYTES = 4 << 20    # a catalogue document, an answers file: 4 MiB


class InputLimitError(FormsError):
    """JSON that cannot be read or is beyond a limit; `str(exc)` is one Chinese sentence."""


def check_limits(value: Any, what: str, *, max_depth: int = MAX_DEPTH, max_string: int = MAX_STRING) -> Any:
    """Walk a parsed value without recursion; refuse nesting deeper than `max_depth` and strings
    (values and keys) longer than `max_string`. Returns the value unchanged."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if len(item) > max_string:
                raise InputLimitError(
                    f"{what}中有一段文字长达 {len(item)} 个字符，超过上限 {max_string}，请检查文件是否正确。")
        elif isinstance(item, (dict, list)):
            if depth > max_depth:
                raise InputLimitError(f"{what}嵌套超过 {max_depth} 层，不是有效的文件，请检查。")
            children = list(item.keys()) + list(item.values()) if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return value


def loads(data: bytes | str, what: str, *, max_bytes: int = MAX_FILE_BYTES, max_depth: int = MAX_DEPTH,
          max_string: int = MAX_STRING) -> Any:
    """Parse JSON from outside within the limits, or raise InputLimitError naming `what`."""
    size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
    if size > max_bytes:
        raise InputLimitError(f"{what}有 {size / 1048576:.1f} MB，超过上限 {max_bytes / 1048576:.0f} MB，"
                              f"请检查文件是否正确。")
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise InputLimitError(
                f"{what}不是 UTF-8 编码（可能是 GBK）：请用记事本等另存为 UTF-8 后重试。") from None
    try:
        value = json.loads(data)
    except json.JSONDecodeError as exc:
        raise InputLimitError(f"{what}不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列有误。") from None
    except RecursionError:
        raise InputLimitError(f"{what}嵌套超过 {max_depth} 层，不是有效的文件，请检查。") from None
    return check_limits(value, what, max_depth=max_depth, max_string=max_string)


def read_json_file(path: str | Path, what: str, **limits: int) -> Any:
    """Read a JSON file from outside (size checked before reading), or raise InputLimitError."""
    path = Path(path)
    max_bytes = limits.get("max_bytes", MAX_FILE_BYTES)
    named = f"{what}（{path}）"
    try:
        if path.is_dir():
            raise InputLimitError(f"{named}是文件夹，不是文件：请给出 JSON 文件的路径。")
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputLimitError(f"找不到{named}，请检查路径。") from None
    except IsADirectoryError:
        raise InputLimitError(f"{named}是文件夹，不是文件：请给出 JSON 文件的路径。") from None
    except PermissionError:
        raise InputLimitError(f"没有权限读取{named}。") from None
    except OSError:
        raise InputLimitError(f"无法读取{named}（文件可能已损坏或不是普通文件）。") from None
    if len(data) > max_bytes:
        raise InputLimitError(f"{named}超过上限 {max_bytes / 1048576:.0f} MB，请检查文件是否正确。")
    return loads(data, named, **limits)
