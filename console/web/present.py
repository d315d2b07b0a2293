"""How the pages write times, ages, shares and device states in Chinese (one place for each)."""

from __future__ import annotations

from datetime import date, datetime

from forms.workdays import chinese_date

DEVICE_NAMES = {
    "receipt_printer": "凭条打印机",
    "a4_printer": "A4 打印机",
    "id_reader": "身份证阅读器",
    "camera": "摄像头",
    "document_camera": "高拍仪",
    "scanner": "扫码器",
}
# device state → (word, chip class)
DEVICE_STATES = {
    "ok": ("正常", "ok"),
    "paper_low": ("纸快用完", "attention"),
    "paper_out": ("缺纸", "fault"),
    "missing": ("未连接", "fault"),
    "fault": ("故障", "fault"),
    "absent": ("未配置", "offline"),
}
LEVEL_NAMES = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}


def when(ts: float | None, now: float | None = None) -> str:
    """12月6日 14:05 (the year too when it is not this year); — when unknown."""
    if ts is None:
        return "—"
    moment = datetime.fromtimestamp(ts)
    this_year = datetime.fromtimestamp(now).year if now is not None else datetime.now().year
    year = f"{moment.year}年" if moment.year != this_year else ""
    return f"{year}{moment.month}月{moment.day}日 {moment:%H:%M}"


def ago(ts: float | None, now: float) -> str:
    """刚刚 / 5 分钟前 / 3 小时前 / then the date: how staff say how fresh a report is."""
    if ts is None:
        return "从未上报"
    seconds = max(0.0, now - ts)
    if seconds < 90:
        return "刚刚"
    if seconds < 3600:
        return f"{round(seconds / 60)} 分钟前"
    if seconds < 48 * 3600:
        return f"{int(seconds // 3600)} 小时前"
    return when(ts, now)


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 3600:
        return f"{max(1, round(seconds / 60))} 分钟"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.0f} 小时"
    return f"{seconds / 86400:.0f} 天"


def share(part: int, total: int) -> str:
    return f"{100 * part / total:.1f}%" if total else "—"


def day_text(day: str | date) -> str:
    return chinese_date(day if isinstance(day, date) else date.fromisoformat(str(day)))


def disk(mb: float | None) -> str:
    if mb is None:
        return "—"
    return f"{mb / 1024:.1f} GB" if mb >= 1024 else f"{mb:.0f} MB"


def device_rows(devices: dict[str, str]) -> list[tuple[str, str, str]]:
    """(name, word, chip class) per device, in a fixed order, absent devices last."""
    rows = []
    for key, status in sorted(devices.items(), key=lambda kv: (kv[1] == "absent", kv[0])):
        word, chip = DEVICE_STATES.get(status, (status, "attention"))
        rows.append((DEVICE_NAMES.get(key, key), word, chip))
    return rows


def devices_summary(devices: dict[str, str]) -> str:
    """One line for the history table: only what is not fine, or 均正常."""
    bad = [f"{DEVICE_NAMES.get(k, k)}{DEVICE_STATES.get(v, (v, ''))[0]}" for k, v in sorted(devices.items())
           if v not in ("ok", "absent")]
    return "、".join(bad) if bad else "均正常"
