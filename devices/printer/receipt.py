"""The receipt a resident takes home, as a domain object, and its ESC/POS bytes.

Why one function from `Receipt` to bytes: the kiosk only ever calls `print_receipt(receipt)`; the
layout, the paper width, the masking of personal data and the Chinese encoding are decided here,
once, and tested byte for byte and as a rendered picture. The applicant's name and ID number are
masked on the way to paper (张*明, first 3 and last 4 characters): a full ID number never reaches
the printer, whatever the caller passes in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from devices.idcard.card import mask_id_number as mask_id
from devices.idcard.card import mask_name
from devices.printer import escpos
from devices.printer.escpos import ALIGN_CENTER, ALIGN_LEFT, Rasteriser
from forms.workdays import chinese_date


def outcome_words(promised_date: dt.date | None) -> str:
    """即办 or the promised date, in the words a receipt and the screen both use."""
    if promised_date is None:
        return "即办件，当场办结"
    return f"承诺件，{chinese_date(promised_date)}前办结"


def chinese_time(moment: dt.datetime) -> str:
    return f"{chinese_date(moment.date())} {moment:%H:%M}"


@dataclass(frozen=True)
class ReceiptItem:
    """One service item of the bundle: done on the spot (即办), or promised by a date (承诺件)."""

    name: str
    promised_date: dt.date | None = None  # None = 即办件

    @property
    def outcome(self) -> str:
        return outcome_words(self.promised_date)


@dataclass(frozen=True)
class OwedMaterial:
    """A material accepted as missing (容缺受理), to be supplied by `deadline`."""

    name: str
    deadline: dt.date


@dataclass(frozen=True)
class Receipt:
    """What a receipt states. Built once from the facts frozen when the application was saved
    (kiosk/station/receipts.py), so a 补打 states exactly what the first print did."""

    station_name: str
    applied_at: dt.datetime             # when the application was saved: the receipt's facts are of then
    bundle_name: str
    reference: str                      # the provisional reference (kiosk-made until the platform answers)
    applicant_name: str
    applicant_id_number: str
    items: tuple[ReceiptItem, ...] = ()
    provided: int = 0                   # papers photographed and handed in
    held_by_government: tuple[str, ...] = ()   # fetched from the government's own records (共享获取)
    produced: tuple[str, ...] = ()      # made by an item of this very application (e.g. 营业执照)
    promised: tuple[str, ...] = ()      # replaced by a signed commitment (告知承诺)
    owed: tuple[OwedMaterial, ...] = ()
    hotline: str = "12345"
    agent_name: str = ""                # the proxy agent (代办员) who applied on the resident's behalf
    platform_reference: str = ""        # the platform's 受理编号, once it has answered
    status: str = ""                    # the status in words when reprinted
    reprinted_at: dt.datetime | None = None   # a 补打: when it was printed again
    notes: tuple[str, ...] = field(default=())

    @property
    def materials_summary(self) -> str:
        """One line: how the application's papers were dealt with."""
        parts = [f"已提交材料 {self.provided} 份"]
        if self.held_by_government:
            parts.append(f"政府共享获取 {len(self.held_by_government)} 份")
        if self.promised:
            parts.append(f"告知承诺 {len(self.promised)} 项")
        return "，".join(parts)

    def __repr__(self) -> str:  # keep personal data out of logs
        return f"Receipt(reference={self.reference!r}, bundle={self.bundle_name!r})"


class _Slip:
    """One ESC/POS slip being written (receipt, 办理指引, test page): the paper's width in dots and
    columns, the bytes so far, and the one way text is wrapped, indented and rasterised onto it."""

    def __init__(self, width_mm: int, rasterise: Rasteriser | None) -> None:
        self.dots = escpos.width_dots(width_mm)
        self.columns = self.dots // escpos.ASCII_WIDTH
        self.rasterise = rasterise
        self.out = bytearray(escpos.INIT + escpos.CHINESE_ON)

    def lines(self, text: str, *, scale: int = 1, alignment: int = ALIGN_LEFT, indent: str = "") -> None:
        """`text` wrapped to the paper; continuation lines start with `indent`."""
        self.out.extend(escpos.align(alignment) + escpos.size(scale, scale))
        width = self.columns // scale - escpos.display_columns(indent)
        for i, line in enumerate(escpos.wrap(text, width)):
            shown = (indent if i else "") + line if indent else line
            self.out.extend(escpos.text_line(shown, scale=scale, alignment=alignment, paper_dots=self.dots,
                                             rasterise=self.rasterise))

    def finish(self, has_cutter: bool) -> bytes:
        """Chinese mode off, then cut (or feed past the tear bar)."""
        self.out.extend(escpos.align(ALIGN_LEFT) + escpos.CHINESE_OFF)
        self.out.extend(escpos.cut(feed_dots=120) if has_cutter else escpos.feed(6))
        return bytes(self.out)


def receipt_bytes(receipt: Receipt, *, width_mm: int = 80, native_qr: bool = True, has_cutter: bool = True,
                  rasterise: Rasteriser | None = None) -> bytes:
    """The whole receipt as ESC/POS: init, Chinese mode, layout, QR, feed and cut."""
    slip = _Slip(width_mm, rasterise)
    dots, columns, out, lines = slip.dots, slip.columns, slip.out, slip.lines

    def emphasised(text: str) -> None:
        """The largest thing on the slip: double width and height if it fits, else double height."""
        out.extend(escpos.bold(True))
        if escpos.display_columns(text) * 2 <= columns:
            lines(text, scale=2, alignment=ALIGN_CENTER)
        else:
            for line in escpos.wrap(text, columns):
                out.extend(escpos.align(ALIGN_CENTER) + escpos.size(1, 2))
                out.extend(escpos.text_line(line, scale=1, alignment=ALIGN_CENTER, paper_dots=dots,
                                            rasterise=rasterise))
        out.extend(escpos.bold(False) + escpos.size(1, 1))

    rule = "-" * columns
    emphasised(receipt.station_name)      # wrapped whole, never split inside a word such as （演示）
    lines("自助服务受理凭条（补打）" if receipt.reprinted_at else "自助服务受理凭条", alignment=ALIGN_CENTER)
    lines(rule)
    lines(f"申请时间：{chinese_time(receipt.applied_at)}", indent="          ")
    if receipt.reprinted_at:
        lines(f"补打时间：{chinese_time(receipt.reprinted_at)}", indent="          ")
    lines(f"事项：{receipt.bundle_name}", indent="      ")
    for number, item in enumerate(receipt.items, 1):
        lines(f"{number}. {item.name}", indent="   ")
        lines(f"   {item.outcome}", indent="   ")
    lines(f"材料：{receipt.materials_summary}", indent="      ")
    if receipt.held_by_government:
        lines(f"  政府共享获取：{'、'.join(receipt.held_by_government)}", indent="    ")
    if receipt.produced:
        lines(f"  办理后产生，无需提交：{'、'.join(receipt.produced)}", indent="    ")
    if receipt.promised:
        lines(f"  告知承诺代替：{'、'.join(receipt.promised)}", indent="    ")
    lines(rule)
    if receipt.platform_reference:
        lines("平台受理编号", alignment=ALIGN_CENTER)
        emphasised(receipt.platform_reference)
    lines("受理编号（临时）", alignment=ALIGN_CENTER)
    emphasised(receipt.reference)
    out.extend(escpos.align(ALIGN_CENTER))
    module = 6 if width_mm == 80 else 5
    if native_qr:
        out.extend(escpos.qr_native(receipt.reference, module=module, error_level="M"))
        out.extend(b"\n")
    else:
        bitmap = escpos.qr_bitmap(receipt.reference, module=module, error_level="M")
        out.extend(escpos.raster(escpos.place(bitmap, dots, ALIGN_CENTER)))
    lines("扫码或凭编号查询办理进度", alignment=ALIGN_CENTER)
    lines(rule)
    if receipt.status:
        lines(f"补打时的办理进度：{receipt.status}")
    if receipt.owed:
        lines("待补材料（容缺受理）：")
        for material in receipt.owed:
            lines(f"· {material.name}，请于{chinese_date(material.deadline)}前补交", indent="  ")
    promised = [i.promised_date for i in receipt.items if i.promised_date]
    if promised:
        lines(f"办理时限：最迟{chinese_date(max(promised))}前办结，结果可在驿站打印或邮寄。", indent="")
    else:
        lines("全部事项当场办结。")
    for note in receipt.notes:
        lines(note)
    lines(rule)
    lines(f"申请人：{mask_name(receipt.applicant_name)}")
    lines(f"证件号：{mask_id(receipt.applicant_id_number)}")
    if receipt.agent_name:
        lines(f"代办员：{mask_name(receipt.agent_name)}（受申请人委托代为办理）")
    lines(f"咨询投诉：{receipt.hotline}（政务服务便民热线）")
    lines("请妥善保管本凭条", alignment=ALIGN_CENTER)
    return slip.finish(has_cutter)


@dataclass(frozen=True)
class GuidanceItem:
    """One item this station could not take: where the resident must go for it."""

    name: str
    go_to: str             # the office of the resident's place, as the catalogue names it (北京市民政部门…)


@dataclass(frozen=True)
class Guidance:
    """办理指引: what a resident whose matter this station could not take carries home — where to
    go, what to bring, whom to call. Nothing was applied for, so no reference and no QR code."""

    station_name: str
    printed_at: dt.datetime
    bundle_name: str
    applicant_name: str
    applicant_id_number: str
    items: tuple[GuidanceItem, ...]
    bring: tuple[str, ...] = ()
    hotline: str = "12345"

    def __repr__(self) -> str:  # keep personal data out of logs
        return f"Guidance(bundle={self.bundle_name!r}, items={len(self.items)})"


def guidance_bytes(guidance: Guidance, *, width_mm: int = 80, has_cutter: bool = True,
                   rasterise: Rasteriser | None = None) -> bytes:
    """办理指引 as ESC/POS, in the receipt's layout and masking (张*三, 110***…1234): a slip that
    says plainly it is not a receipt, so nobody waits for a result that will not come."""
    slip = _Slip(width_mm, rasterise)
    columns, out, lines = slip.columns, slip.out, slip.lines

    rule = "-" * columns
    out.extend(escpos.bold(True))
    lines("办理指引", scale=2, alignment=ALIGN_CENTER)
    out.extend(escpos.bold(False) + escpos.size(1, 1))
    lines(guidance.station_name, alignment=ALIGN_CENTER)
    lines("本站不能受理这件事，这不是受理凭条。请按下面写的地方去办。", alignment=ALIGN_CENTER)
    lines(rule)
    lines(f"打印时间：{chinese_time(guidance.printed_at)}", indent="          ")
    lines(f"事项：{guidance.bundle_name}", indent="      ")
    for number, item in enumerate(guidance.items, 1):
        lines(f"{number}. {item.name}", indent="   ")
        out.extend(escpos.bold(True))
        lines(f"   请到：{item.go_to}", indent="         ")
        out.extend(escpos.bold(False))
    lines(rule)
    if guidance.bring:
        lines("请带上：")
        for paper in guidance.bring:
            lines(f"· {paper}", indent="  ")
        lines(rule)
    lines(f"申请人：{mask_name(guidance.applicant_name)}")
    lines(f"证件号：{mask_id(guidance.applicant_id_number)}")
    lines(f"去之前可以先打 {guidance.hotline}（政务服务便民热线），问清地址和办公时间。")
    return slip.finish(has_cutter)


def printer_test_page(*, station_name: str, model: str, status: str, printed_at: dt.datetime,
                      width_mm: int = 80, has_cutter: bool = True,
                      rasterise: Rasteriser | None = None) -> bytes:
    """测试打印: a page that can never be taken for a receipt — 测试页 in large letters, the
    printer's model and status, the date, sample characters and a ruler across the paper — with
    no reference, no QR code and nothing about any person."""
    slip = _Slip(width_mm, rasterise)
    columns, out, lines = slip.columns, slip.out, slip.lines

    out.extend(escpos.bold(True))
    lines("测试页", scale=2, alignment=ALIGN_CENTER)
    out.extend(escpos.bold(False) + escpos.size(1, 1))
    lines("这是凭条打印机的测试页，不是受理凭条。", alignment=ALIGN_CENTER)
    lines("-" * columns)
    lines(f"驿站：{station_name}")
    lines(f"打印机：{model}")
    lines(f"纸宽：{width_mm} 毫米，{'带切刀' if has_cutter else '无切刀'}")
    lines(f"打印前状态：{status}")
    lines(f"打印时间：{chinese_time(printed_at)}")
    lines("-" * columns)
    lines("字样：中文 ABC abc 0123456789")
    lines("生僻字：喆 堃 昇 淼 垚")
    lines("|" + "-" * (columns - 2) + "|")          # the full printable width
    lines("本页不含任何个人信息。", alignment=ALIGN_CENTER)
    return slip.finish(has_cutter)


def sample_receipt(station_name: str = "南湖街道政务服务驿站", hotline: str = "12345",
                   now: dt.datetime | None = None) -> Receipt:
    """A fictional receipt for the bench command, the demo and the tests (rare characters included)."""
    now = now or dt.datetime(2026, 11, 28, 9, 30)
    today = now.date()
    return Receipt(
        station_name=station_name, applied_at=now, bundle_name="新生儿出生一件事",
        reference="LN210102-0001-20261128-0007",
        applicant_name="张晓明", applicant_id_number="210603197507302116",
        items=(
            ReceiptItem("出生医学证明"),
            ReceiptItem("预防接种证"),
            ReceiptItem("出生户口登记", today + dt.timedelta(days=5)),
            ReceiptItem("城乡居民医保参保登记", today + dt.timedelta(days=7)),
            ReceiptItem("社会保障卡申领", today + dt.timedelta(days=15)),
        ),
        provided=3, held_by_government=("居民户口簿", "父母身份证"), promised=("婚姻状况",),
        owed=(OwedMaterial("结婚证", today + dt.timedelta(days=10)),),
        hotline=hotline,
        notes=("新生儿姓名：张𠮷䶮（生僻字按图片打印）",),
    )
