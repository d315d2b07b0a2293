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


@dataclass(frozen=True)
class ReceiptItem:
    """One service item of the bundle: done on the spot (即办), or promised by a date (承诺件)."""

    name: str
    promised_date: dt.date | None = None  # None = 即办件

    @property
    def outcome(self) -> str:
        if self.promised_date is None:
            return "即办件，当场办结"
        return f"承诺件，{self.promised_date:%Y年%m月%d日}前办结"


@dataclass(frozen=True)
class OwedMaterial:
    """A material accepted as missing (容缺受理), to be supplied by `deadline`."""

    name: str
    deadline: dt.date


@dataclass(frozen=True)
class Receipt:
    station_name: str
    printed_at: dt.datetime
    bundle_name: str
    reference: str                      # the provisional reference (kiosk-made until the platform answers)
    applicant_name: str
    applicant_id_number: str
    items: tuple[ReceiptItem, ...] = ()
    materials_summary: str = ""         # e.g. "已提交材料 4 份，共享获取 2 份"
    owed: tuple[OwedMaterial, ...] = ()
    hotline: str = "12345"
    notes: tuple[str, ...] = field(default=())

    def __repr__(self) -> str:  # keep personal data out of logs
        return f"Receipt(reference={self.reference!r}, bundle={self.bundle_name!r})"


def receipt_bytes(receipt: Receipt, *, width_mm: int = 80, native_qr: bool = True, has_cutter: bool = True,
                  rasterise: Rasteriser | None = None) -> bytes:
    """The whole receipt as ESC/POS: init, Chinese mode, layout, QR, feed and cut."""
    dots = escpos.width_dots(width_mm)
    columns = dots // escpos.ASCII_WIDTH
    out = bytearray(escpos.INIT + escpos.CHINESE_ON)

    def lines(text: str, *, scale: int = 1, alignment: int = ALIGN_LEFT, indent: str = "") -> None:
        out.extend(escpos.align(alignment) + escpos.size(scale, scale))
        width = columns // scale - escpos.display_columns(indent)
        for i, line in enumerate(escpos.wrap(text, width)):
            shown = (indent if i else "") + line if indent else line
            out.extend(escpos.text_line(shown, scale=scale, alignment=alignment, paper_dots=dots,
                                        rasterise=rasterise))

    rule = "-" * columns
    out.extend(escpos.bold(True))
    lines(receipt.station_name, scale=2, alignment=ALIGN_CENTER)
    out.extend(escpos.bold(False))
    lines("自助服务受理凭条", alignment=ALIGN_CENTER)
    lines(rule)
    lines(f"时间：{receipt.printed_at:%Y-%m-%d %H:%M}")
    lines(f"事项：{receipt.bundle_name}", indent="      ")
    for number, item in enumerate(receipt.items, 1):
        lines(f"{number}. {item.name}", indent="   ")
        lines(f"   {item.outcome}", indent="   ")
    if receipt.materials_summary:
        lines(f"材料：{receipt.materials_summary}", indent="      ")
    lines(rule)
    lines("受理编号（临时）", alignment=ALIGN_CENTER)
    out.extend(escpos.bold(True))
    if escpos.display_columns(receipt.reference) * 2 <= columns:
        lines(receipt.reference, scale=2, alignment=ALIGN_CENTER)
    else:  # too long for double width: double height only, still the largest thing on the slip
        for line in escpos.wrap(receipt.reference, columns):
            out.extend(escpos.align(ALIGN_CENTER) + escpos.size(1, 2))
            out.extend(escpos.text_line(line, scale=1, alignment=ALIGN_CENTER, paper_dots=dots,
                                        rasterise=rasterise))
    out.extend(escpos.bold(False) + escpos.size(1, 1) + escpos.align(ALIGN_CENTER))
    module = 6 if width_mm == 80 else 5
    if native_qr:
        out.extend(escpos.qr_native(receipt.reference, module=module, error_level="M"))
        out.extend(b"\n")
    else:
        bitmap = escpos.qr_bitmap(receipt.reference, module=module, error_level="M")
        out.extend(escpos.raster(escpos.place(bitmap, dots, ALIGN_CENTER)))
    lines("扫码或凭编号查询办理进度", alignment=ALIGN_CENTER)
    lines(rule)
    if receipt.owed:
        lines("待补材料（容缺受理）：")
        for material in receipt.owed:
            lines(f"· {material.name}，请于{material.deadline:%Y年%m月%d日}前补交", indent="  ")
    promised = [i.promised_date for i in receipt.items if i.promised_date]
    if promised:
        lines(f"办理时限：最迟{max(promised):%Y年%m月%d日}前办结，结果可在驿站打印或邮寄。", indent="")
    else:
        lines("全部事项当场办结。")
    for note in receipt.notes:
        lines(note)
    lines(rule)
    lines(f"申请人：{mask_name(receipt.applicant_name)}")
    lines(f"证件号：{mask_id(receipt.applicant_id_number)}")
    lines(f"咨询投诉：{receipt.hotline}（政务服务便民热线）")
    lines("请妥善保管本凭条", alignment=ALIGN_CENTER)
    out.extend(escpos.align(ALIGN_LEFT) + escpos.CHINESE_OFF)
    out.extend(escpos.cut(feed_dots=120) if has_cutter else escpos.feed(6))
    return bytes(out)


def sample_receipt(station_name: str = "南湖街道政务服务驿站", hotline: str = "12345",
                   now: dt.datetime | None = None) -> Receipt:
    """A fictional receipt for the bench command, the demo and the tests (rare characters included)."""
    now = now or dt.datetime(2026, 11, 28, 9, 30)
    today = now.date()
    return Receipt(
        station_name=station_name, printed_at=now, bundle_name="新生儿出生一件事",
        reference="LN210102-0001-20261128-0007",
        applicant_name="张晓明", applicant_id_number="210603197507302116",
        items=(
            ReceiptItem("出生医学证明"),
            ReceiptItem("预防接种证"),
            ReceiptItem("出生户口登记", today + dt.timedelta(days=5)),
            ReceiptItem("城乡居民医保参保登记", today + dt.timedelta(days=7)),
            ReceiptItem("社会保障卡申领", today + dt.timedelta(days=15)),
        ),
        materials_summary="已提交 3 份，共享获取 2 份（含王喆、李堃的身份证明）",
        owed=(OwedMaterial("结婚证", today + dt.timedelta(days=10)),),
        hotline=hotline,
        notes=("新生儿姓名：张𠮷䶮（生僻字按图片打印）",),
    )
