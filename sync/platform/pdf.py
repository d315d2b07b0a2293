"""The reference platform's certificates (电子证照): a Chinese A4 page, as a real PDF.

Why an image page: the reference platform stands in for the province's, whose certificates the
kiosk only verifies (hash and signature) and prints; what matters here is a page a person reads as
a certificate — Chinese title, holder, matter, issuing body, date, a seal and a QR code to verify —
marked as the demo's. Pillow draws it with the CJK font the station already has (Qt's PDF writer is
not allowed in sync/), and img2pdf wraps the picture losslessly in a valid PDF (one page, A4).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

A4_PX = (1240, 1754)          # 150 dpi
RED = (190, 30, 30)
INK = (25, 25, 25)
MUTED = (90, 90, 90)


@dataclass(frozen=True)
class CertificateFacts:
    title: str                # e.g. 高龄津贴享受资格确认书
    holder: str               # the person it is issued to
    id_number: str            # shown masked on the page
    matter: str               # the 一件事 it came from
    items: tuple[str, ...]    # the service items done
    reference: str            # the platform's 受理编号
    issuer: str               # the issuing body
    issued_on: date
    certificate_id: str


def _font(size: int):  # noqa: ANN202 - PIL.ImageFont.FreeTypeFont
    from PIL import ImageFont

    from devices.printer.glyphs import _SC_INDEX, find_cjk_font

    path = find_cjk_font()
    if path is None:
        return ImageFont.load_default(size)
    index = _SC_INDEX if path.suffix.lower() == ".ttc" and "Noto" in path.name else 0
    return ImageFont.truetype(str(path), size, index=index)


def _masked(id_number: str) -> str:
    from devices.idcard.card import mask_id_number

    return mask_id_number(id_number)


def certificate_pdf(facts: CertificateFacts) -> bytes:
    """One A4 page: the certificate, its seal and a QR code with its number."""
    import img2pdf
    import segno
    from PIL import Image, ImageDraw

    width, height = A4_PX
    page = Image.new("RGB", A4_PX, "white")
    draw = ImageDraw.Draw(page)
    draw.rectangle((50, 50, width - 50, height - 50), outline=RED, width=8)
    draw.rectangle((70, 70, width - 70, height - 70), outline=RED, width=2)

    def centred(y: int, text: str, size: int, fill=INK) -> None:  # noqa: ANN001
        font = _font(size)
        left, _, right, _ = draw.textbbox((0, 0), text, font=font)
        draw.text(((width - (right - left)) / 2, y), text, font=font, fill=fill)

    centred(150, "辽宁省一体化政务服务平台", 40, RED)
    centred(240, facts.title, 68)
    centred(345, f"证照编号：{facts.certificate_id}", 28, MUTED)
    label, value, y = _font(38), _font(38), 480
    rows = [("持证人", facts.holder), ("证件号码", _masked(facts.id_number)), ("办理事项", facts.matter)]
    rows += [("" if i else "办理结果", f"{item}：已办结") for i, item in enumerate(facts.items)]
    rows += [("受理编号", facts.reference), ("发证机关", facts.issuer),
             ("发证日期", f"{facts.issued_on.year}年{facts.issued_on.month}月{facts.issued_on.day}日")]
    for name, text in rows:
        if name:
            draw.text((160, y), f"{name}：", font=label, fill=MUTED)
        draw.text((400, y), text, font=value, fill=INK)
        y += 70
    # The seal: two red rings, a star, the issuer's name across it, marked as the demo's.
    cx, cy, r = width - 330, height - 470, 150
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=RED, width=9)
    draw.ellipse((cx - r + 18, cy - r + 18, cx + r - 18, cy + r - 18), outline=RED, width=3)
    star = _font(90)
    draw.text((cx, cy - 30), "★", font=star, fill=RED, anchor="mm")
    seal_text = _font(34)
    draw.text((cx, cy + 45), "政务服务", font=seal_text, fill=RED, anchor="mm")
    draw.text((cx, cy + 92), "演示专用章", font=_font(28), fill=RED, anchor="mm")
    # The QR code to verify: the certificate's number.
    qr = segno.make(f"LNCERT:{facts.certificate_id}", error="m")
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=8, border=2)
    code = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    page.paste(code, (160, height - 180 - code.height))
    draw.text((160, height - 170), "扫码核验证照", font=_font(30), fill=MUTED)
    centred(height - 120, "本证照由参考平台签发，仅供演示，不具法律效力", 28, MUTED)
    png = io.BytesIO()
    page.save(png, format="PNG", optimize=True)
    layout = img2pdf.get_layout_fun((img2pdf.mm_to_pt(210), img2pdf.mm_to_pt(297)))
    return img2pdf.convert(png.getvalue(), layout_fun=layout)
