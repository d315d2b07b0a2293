"""A4 notices and receipts as PDF, drawn with QPainter on a QPdfWriter (the one Qt use in devices/).

Why Qt: it shapes CJK text with the system's Noto CJK fonts and embeds them as vector glyphs, so
the PDF prints sharp and its text can be extracted again (the tests do). The page follows the
layout of a Chinese government document (GB/T 9704): red issuer heading with a red rule, document
number, title in a large serif, body in 16 pt with a two-character first-line indent, issuer and
date at the lower right under the red seal, page number "— N —". Each page carries a verification
QR (document id, page, content digest) so a printed page can be checked against the platform; a
result-lookup QR goes on the last page.

A QGuiApplication is created only if none exists (offscreen when there is no display), so the
renderer works from the kiosk, a command line and the tests alike.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

FONT_DIR = Path("/usr/share/fonts/opentype/noto")
# One face for the whole page, as GB/T 9704 sets documents in Song-style faces (小标宋 for the
# heading, 仿宋 for the body): every extra face is another font subset embedded per document,
# which is most of the render time.
FONT_FILES = ("NotoSerifCJK-Regular.ttc", "NotoSansCJK-Regular.ttc")
SERIF = "Noto Serif CJK SC"
SANS = "Noto Sans CJK SC"
RED = "#c8161d"

# GB/T 9704 page: top margin 37 mm, left (binding) 28 mm, text block 156 × 225 mm.
MARGIN_TOP_MM = 37.0
MARGIN_LEFT_MM = 28.0
TEXT_WIDTH_MM = 156.0
TEXT_BOTTOM_MM = 37.0 + 225.0
DPI = 300

NO_LINE_START = set("，。、；：？！）》」』”’】〕…%,.;:?!)]}")
NO_LINE_END = set("（《「『“‘【〔([{")


@dataclass(frozen=True)
class Notice:
    """What goes on a notice or an A4 receipt. Empty parts are simply left out."""

    issuer: str                      # 发文机关, e.g. "沈阳市浑南区五三街道便民服务中心"
    title: str                       # 标题, e.g. "低保申请受理通知书"
    paragraphs: Sequence[str]        # 正文段落
    doc_id: str                      # unique id, printed in the verification QR
    doc_number: str = ""             # 文号, e.g. "五三便民〔2026〕18号"
    recipient: str = ""              # 主送, e.g. "张三同志："
    fields: Sequence[tuple[str, str]] = ()   # a two-column table (receipts): label, value
    date: str = ""                   # 成文日期, e.g. "2026年11月28日"
    lookup_qr: str = ""              # text of the result-lookup QR (last page)
    lookup_caption: str = "扫码查询办理进度"
    verify_prefix: str = "KIOSK-VERIFY"
    seal_png: bytes | None = None    # the seal image (PNG with transparency)
    heading: str = ""                # red heading; defaults to the issuer
    watermark: str = ""              # a pale word across every page ("样表": not a real application)

    def digest(self) -> str:
        """Short digest of the content, printed in each page's verification QR."""
        h = hashlib.sha256()
        for part in (self.issuer, self.title, self.doc_number, self.recipient, self.date,
                     *self.paragraphs, *(f"{k}={v}" for k, v in self.fields)):
            h.update(part.encode("utf-8") + b"\x00")
        return h.hexdigest()[:16]


@dataclass
class _Page:
    ops: list[tuple] = field(default_factory=list)


def ensure_gui_app() -> object:
    """The running QGuiApplication, or a new offscreen one when the process has none."""
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance()
    if app is None:
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication(["kiosk-a4"])
    return app


class NoticeRenderer:
    """Renders `Notice`s to PDF bytes. Keep one per process; it holds the loaded fonts."""

    def __init__(self) -> None:
        from PySide6.QtGui import QFontDatabase

        self._app = ensure_gui_app()
        for name in FONT_FILES:
            path = FONT_DIR / name
            if path.exists():
                QFontDatabase.addApplicationFont(str(path))
        self._radicals = _radical_map((SERIF, SANS))
        self._seal_cache: dict[tuple[bytes, int], _EncodedSeal] = {}

    def _encoded_seal(self, png: bytes, size_px: int) -> _EncodedSeal | None:
        """The seal decoded, scaled to its printed size and compressed once (per seal and size)."""
        key = (hashlib.sha256(png).digest(), size_px)
        if key not in self._seal_cache:
            encoded = _encode_seal(png, size_px)
            if encoded is None:
                return None
            self._seal_cache = {key: encoded}  # one seal per station: keep only the last
        return self._seal_cache[key]

    # -- public -------------------------------------------------------------------------------
    def render(self, notice: Notice) -> bytes:
        from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF
        from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter

        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        writer = QPdfWriter(buffer)
        writer.setResolution(DPI)
        writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                         QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter))
        writer.setTitle(notice.title)
        writer.setCreator("station-kiosk")
        pages = self._layout(notice, writer)
        seals = []
        if notice.seal_png:
            for index, page in enumerate(pages):
                for op in page.ops:
                    if op[0] == "seal":
                        encoded = self._encoded_seal(notice.seal_png, int(op[3]))
                        if encoded is not None:
                            seals.append((index, op[1], op[2], op[3], encoded))
        painter = QPainter(writer)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            for number, page in enumerate(pages, start=1):
                if number > 1:
                    writer.newPage()
                self._paint_page(painter, notice, page, number, len(pages))
        finally:
            painter.end()
        buffer.close()
        return finish_pdf(bytes(data.data()), self._radicals, seals)

    # -- layout -------------------------------------------------------------------------------
    def _font(self, family: str, pt: float, bold: bool = False):
        from PySide6.QtGui import QFont

        font = QFont(family)
        font.setPointSizeF(pt)
        font.setBold(bold)
        # Without shaping each character is drawn with its cmap glyph, so the PDF's ToUnicode
        # table can name it (shaped digits in Latin runs came out as unmapped glyphs).
        font.setStyleStrategy(QFont.StyleStrategy.PreferNoShaping)
        return font

    def _layout(self, notice: Notice, device: object) -> list[_Page]:
        """Flow the content into pages of draw operations (coordinates in device pixels)."""
        from PySide6.QtGui import QFontMetricsF

        mm = DPI / 25.4
        left = MARGIN_LEFT_MM * mm
        width = TEXT_WIDTH_MM * mm
        bottom = TEXT_BOTTOM_MM * mm
        pages = [_Page()]
        y = MARGIN_TOP_MM * mm

        def metrics(font):
            return QFontMetricsF(font, device)

        def need(height: float) -> None:
            nonlocal y
            if y + height > bottom:
                pages.append(_Page())
                y = MARGIN_TOP_MM * mm

        # Red heading, document number, red rule.
        heading_font = self._font(SERIF, 26)
        heading = notice.heading or notice.issuer
        for line in _wrap(heading, metrics(heading_font), width):
            pages[-1].ops.append(("text", heading_font, RED, left, y, width, line, "center"))
            y += metrics(heading_font).height() * 1.15
        y += 4 * mm
        if notice.doc_number:
            number_font = self._font(SERIF, 16)
            pages[-1].ops.append(("text", number_font, "#000", left, y, width, notice.doc_number, "center"))
            y += metrics(number_font).height() + 2 * mm
        pages[-1].ops.append(("rule", left, y, width, 0.6 * mm))
        y += 12 * mm

        title_font = self._font(SERIF, 22)
        for line in _wrap(notice.title, metrics(title_font), width * 0.9):
            need(metrics(title_font).height())
            pages[-1].ops.append(("text", title_font, "#000", left, y, width, line, "center"))
            y += metrics(title_font).height() * 1.25
        y += 6 * mm

        body_font = self._font(SERIF, 16)
        body = metrics(body_font)
        line_h = 28.95 / 72 * DPI  # GB/T 9704: 22 lines in the 225 mm text block
        indent = body.horizontalAdvance("中中")
        if notice.recipient:
            need(line_h)
            pages[-1].ops.append(("text", body_font, "#000", left, y, width, notice.recipient, "left"))
            y += line_h
        for paragraph in notice.paragraphs:
            lines = _wrap(paragraph, body, width, first_indent=indent)
            for index, line in enumerate(lines):
                need(line_h)
                x = left + (indent if index == 0 else 0)
                pages[-1].ops.append(("text", body_font, "#000", x, y, width - (x - left), line, "left"))
                y += line_h

        if notice.fields:
            y += 3 * mm
            label_font = self._font(SERIF, 13)
            value_font = self._font(SERIF, 13)
            label_w = width * 0.28
            for label, value in notice.fields:
                lines = _wrap(value, metrics(value_font), width - label_w - 6 * mm) or [""]
                # a long label wraps in its cell (a sample form's questions), never cut off
                labels = _wrap(label, metrics(label_font), label_w - 6 * mm) or [""]
                row_h = max(len(lines), len(labels)) * metrics(value_font).height() * 1.3 + 4 * mm
                need(row_h)
                pages[-1].ops.append(("cell", left, y, label_w, row_h, True))
                pages[-1].ops.append(("cell", left + label_w, y, width - label_w, row_h, False))
                ly = y + 2 * mm
                for line in labels:
                    pages[-1].ops.append(("text", label_font, "#000", left + 3 * mm, ly, label_w - 6 * mm,
                                          line, "left"))
                    ly += metrics(label_font).height() * 1.3
                ly = y + 2 * mm
                for line in lines:
                    pages[-1].ops.append(("text", value_font, "#000", left + label_w + 3 * mm, ly,
                                          width - label_w - 6 * mm, line, "left"))
                    ly += metrics(value_font).height() * 1.3
                y += row_h

        # Signature block: issuer and date right-aligned, seal over them; lookup QR at the left.
        need(line_h + 30 * mm)  # the issuer, the date, and the seal and QR reaching below them
        y += line_h
        sign_w = max(body.horizontalAdvance(notice.issuer), body.horizontalAdvance(notice.date)) + 8 * mm
        sign_x = left + width - sign_w
        pages[-1].ops.append(("text", body_font, "#000", sign_x, y, sign_w, notice.issuer, "center"))
        if notice.date:
            pages[-1].ops.append(("text", body_font, "#000", sign_x, y + line_h, sign_w, notice.date,
                                  "center"))
        if notice.seal_png:
            seal = 42 * mm
            cx, cy = sign_x + sign_w / 2, y + line_h * 0.9
            pages[-1].ops.append(("seal", cx - seal / 2, cy - seal / 2, seal))
        if notice.lookup_qr:
            qr = 28 * mm
            caption = self._font(SERIF, 10)
            pages[-1].ops.append(("qr", notice.lookup_qr, left, y - 4 * mm, qr))
            pages[-1].ops.append(("text", caption, "#333", left - 10 * mm, y - 3 * mm + qr, qr + 20 * mm,
                                  notice.lookup_caption, "center"))
        return pages

    # -- painting -----------------------------------------------------------------------------
    def _paint_page(self, painter, notice: Notice, page: _Page, number: int, total: int) -> None:
        from PySide6.QtCore import QRectF, Qt
        from PySide6.QtGui import QColor, QPen

        mm = DPI / 25.4
        if notice.watermark:     # under everything, pale: the page still reads, and cannot pass as real
            painter.save()
            painter.translate(105 * mm, 148 * mm)
            painter.rotate(-35)
            painter.setFont(self._font(SANS, 110, bold=True))
            painter.setPen(QColor("#e3e3e3"))
            painter.drawText(QRectF(-150 * mm, -40 * mm, 300 * mm, 80 * mm),
                             int(Qt.AlignmentFlag.AlignCenter), notice.watermark)
            painter.restore()
        for op in page.ops:
            kind = op[0]
            if kind == "text":
                _, font, color, x, y, w, text, align = op
                painter.setFont(font)
                painter.setPen(QColor(color))
                flags = {"center": Qt.AlignmentFlag.AlignHCenter, "left": Qt.AlignmentFlag.AlignLeft}[align]
                painter.drawText(QRectF(x, y, w, painter.fontMetrics().height() * 1.5),
                                 int(flags | Qt.AlignmentFlag.AlignTop), text)
            elif kind == "rule":
                _, x, y, w, thickness = op
                painter.fillRect(QRectF(x, y, w, thickness), QColor(RED))
            elif kind == "cell":
                _, x, y, w, h, shaded = op
                if shaded:
                    painter.fillRect(QRectF(x, y, w, h), QColor("#f2f2f2"))
                painter.setPen(QPen(QColor("#555"), 0.25 * mm))
                painter.drawRect(QRectF(x, y, w, h))
            elif kind == "qr":
                _, text, x, y, size = op
                _draw_qr(painter, text, x, y, size)

        # Footer on every page: page number, and the verification QR with its code in words.
        footer_y = (297.0 - 28.0) * mm
        painter.setFont(self._font(SERIF, 14))
        painter.setPen(QColor("#000"))
        painter.drawText(QRectF(0, footer_y, 210 * mm, 10 * mm), int(Qt.AlignmentFlag.AlignHCenter),
                         f"— {number} —")
        verify = f"{notice.verify_prefix}:{notice.doc_id}:{number}/{total}:{notice.digest()}"
        size = 18 * mm
        vx = (210.0 - 22.0) * mm - size
        vy = (297.0 - 14.0) * mm - size
        _draw_qr(painter, verify, vx, vy, size)
        painter.setFont(self._font(SERIF, 7.5))
        painter.setPen(QColor("#444"))
        painter.drawText(QRectF(vx - 70 * mm, vy + size - 9 * mm, 68 * mm, 10 * mm),
                         int(Qt.AlignmentFlag.AlignRight),
                         f"核验码 {notice.doc_id}\n第 {number} 页 共 {total} 页 · 扫码核验真伪")


def _radical_map(families: Sequence[str]) -> dict[int, int]:
    """Radical code point -> the ideograph drawn with the same glyph in these fonts.

    CJK fonts draw ⽣ (KANGXI RADICAL LIFE) and 生 with one glyph, and Qt's PDF writer names each
    glyph by the *lowest* code point that maps to it, so "生活" would be extracted as "⽣活" and
    search, copy and screen readers fail. This map undoes that in the ToUnicode tables.
    """
    from PySide6.QtGui import QFont, QRawFont

    radicals = "".join(chr(c) for c in (*range(0x2E80, 0x2EF4), *range(0x2F00, 0x2FD6)))
    ideographs = "".join(chr(c) for c in (*range(0x4E00, 0xA000), *range(0x3400, 0x4DC0)))
    mapping: dict[int, int] = {}
    for family in families:
        raw = QRawFont.fromFont(QFont(family))
        if not raw.isValid():
            continue
        by_glyph: dict[int, str] = {}
        for ch, glyph in zip(ideographs, raw.glyphIndexesForString(ideographs), strict=True):
            if glyph:
                by_glyph.setdefault(glyph, ch)
        for ch, glyph in zip(radicals, raw.glyphIndexesForString(radicals), strict=True):
            if glyph in by_glyph:
                mapping.setdefault(ord(ch), ord(by_glyph[glyph]))
    return mapping


_HEX = re.compile(rb"<([0-9A-Fa-f]{4})>")


@dataclass(frozen=True)
class _EncodedSeal:
    """A seal image ready to be a PDF image XObject: Flate-compressed RGB and alpha planes."""

    width: int
    height: int
    rgb: bytes
    alpha: bytes


def _encode_seal(png: bytes, size_px: int) -> _EncodedSeal | None:
    """Why not QPainter.drawImage: Qt re-compresses the image for every document (a third of the
    page's render time); encoded once here, it is attached to each page by reference."""
    import zlib

    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(png)).convert("RGBA")
    except (UnidentifiedImageError, OSError):
        return None
    image = image.resize((size_px, size_px), Image.LANCZOS)
    rgb = image.convert("RGB").tobytes()
    alpha = image.getchannel("A").tobytes()
    return _EncodedSeal(size_px, size_px, zlib.compress(rgb, 6), zlib.compress(alpha, 6))


SEAL_OPACITY = 0.85


def finish_pdf(pdf: bytes, radicals: dict[int, int], seals: Sequence[tuple] = ()) -> bytes:
    """Repair the ToUnicode tables (see `_radical_map`) and place the seal images.

    `seals`: (page index, x, y, size, encoded) with x, y, size in 300-dpi pixels from the top left.
    """
    if not radicals and not seals:
        return pdf
    import pikepdf

    def fix_line(line: bytes) -> bytes:
        tokens = list(_HEX.finditer(line))
        if line.lstrip().startswith(b"<") and len(tokens) >= 2:
            # bfchar "<src> <dst>", bfrange "<lo> <hi> <dst>" or "<lo> <hi> [<d1> …]": skip sources
            keep = 1 if len(tokens) == 2 and b"[" not in line else 2
            head_end = tokens[keep - 1].end()
            tail = _HEX.sub(lambda m: b"<%04X>" % radicals.get(int(m.group(1), 16), int(m.group(1), 16)),
                            line[head_end:])
            return line[:head_end] + tail
        return line

    with pikepdf.open(io.BytesIO(pdf)) as document:
        seen: set[tuple[int, int]] = set()
        _place_seals(document, seals)
        for page in document.pages:
            fonts = page.obj.get("/Resources", {}).get("/Font", {})
            for font in fonts.values():
                cmap = font.get("/ToUnicode")
                if cmap is None or cmap.objgen in seen:
                    continue
                seen.add(cmap.objgen)
                text = cmap.read_bytes()
                fixed = b"\n".join(fix_line(line) for line in text.split(b"\n"))
                if fixed != text:
                    cmap.write(fixed)
        out = io.BytesIO()
        document.save(out, fix_metadata_version=False)
        return out.getvalue()


def qr_modules(text: str) -> list[list[bool]]:
    """The module matrix (True = dark) of a QR code for `text`, error correction level M.

    zxing-cpp's encoder (C++, already a dependency for decoding) rather than segno here: segno
    evaluates the eight masks in pure Python (≈7 ms a symbol), which alone would double the
    render time of a page with two codes. Tests read every printed QR back with the decoder.
    """
    import numpy as np
    import zxingcpp

    symbol = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = np.asarray(symbol.to_image(scale=1, add_quiet_zones=False))
    return (image < 128).tolist()


def _place_seals(document, seals: Sequence[tuple]) -> None:
    import pikepdf

    images: dict[int, object] = {}
    for page_index, x, y, size, encoded in seals:
        if id(encoded) not in images:
            mask = pikepdf.Stream(document, encoded.alpha, Type=pikepdf.Name.XObject,
                                  Subtype=pikepdf.Name.Image, Width=encoded.width, Height=encoded.height,
                                  ColorSpace=pikepdf.Name.DeviceGray, BitsPerComponent=8,
                                  Filter=pikepdf.Name.FlateDecode)
            images[id(encoded)] = pikepdf.Stream(
                document, encoded.rgb, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image,
                Width=encoded.width, Height=encoded.height, ColorSpace=pikepdf.Name.DeviceRGB,
                BitsPerComponent=8, Filter=pikepdf.Name.FlateDecode, SMask=mask)
        page = document.pages[page_index]
        height = float(page.mediabox[3]) - float(page.mediabox[1])
        pt = 72.0 / DPI
        page.add_resource(images[id(encoded)], pikepdf.Name.XObject, pikepdf.Name.KioskSeal)
        page.add_resource(pikepdf.Dictionary(Type=pikepdf.Name.ExtGState, ca=SEAL_OPACITY),
                          pikepdf.Name.ExtGState, pikepdf.Name.KioskSealAlpha)
        page.contents_add(pikepdf.Stream(document, b"q"), prepend=True)
        draw = (f"Q q /KioskSealAlpha gs {size * pt:.3f} 0 0 {size * pt:.3f} {x * pt:.3f} "
                f"{height - (y + size) * pt:.3f} cm /KioskSeal Do Q").encode()
        page.contents_add(pikepdf.Stream(document, draw))


def _draw_qr(painter, text: str, x: float, y: float, size: float) -> None:
    """A QR code as one filled vector path (crisp at any printer resolution), white quiet zone."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QColor, QPainterPath

    matrix = qr_modules(text)
    border = 2
    unit = size / (len(matrix) + 2 * border)
    painter.fillRect(QRectF(x, y, size, size), QColor("#fff"))
    path = QPainterPath()
    for row_index, row in enumerate(matrix):
        col, n = 0, len(row)
        while col < n:
            if row[col]:
                start = col
                while col < n and row[col]:
                    col += 1
                path.addRect(QRectF(x + (start + border) * unit, y + (row_index + border) * unit,
                                    (col - start) * unit, unit))
            else:
                col += 1
    path.setFillRule(path.fillRule().WindingFill)
    painter.fillPath(path, QColor("#000"))


def _wrap(text: str, metrics, width: float, first_indent: float = 0.0) -> list[str]:
    """Break CJK text into lines that fit `width`, keeping line-start/-end punctuation rules."""
    lines: list[str] = []
    current = ""
    limit = width - first_indent
    for ch in text:
        if ch == "\n":
            lines.append(current)
            current, limit = "", width
            continue
        candidate = current + ch
        if metrics.horizontalAdvance(candidate) <= limit or not current:
            current = candidate
            continue
        carry = ""
        if ch in NO_LINE_START and len(current) > 1:
            # closing punctuation may not start a line: the character before it moves down too
            carry, current = current[-1], current[:-1]
        while current and current[-1] in NO_LINE_END:
            carry = current[-1] + carry
            current = current[:-1]
        # Keep a run of ASCII (a number, a URL) together when it can move to the next line whole.
        if _wordish(ch):
            split = len(current)
            while split > 0 and _wordish(current[split - 1]):
                split -= 1
            if 0 < split < len(current):
                carry = current[split:] + carry
                current = current[:split]
        lines.append(current)
        current, limit = carry + ch, width
    if current:
        lines.append(current)
    return lines


def _wordish(ch: str) -> bool:
    """Characters of a number, code or URL that should not be split across lines."""
    return ch.isascii() and (ch.isalnum() or ch in "-_./:@%#")


def make_demo_seal(organisation: str, purpose: str = "业务专用章", size_px: int = 600) -> bytes:
    """A red round seal (ring, star, name along the arc, purpose below) as PNG bytes, for samples.

    Real stations put their registered seal image in resources/; this one is for the demo and
    the tests, and says 样章 (specimen) in its centre line so it cannot pass for a real seal.
    """
    import math

    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen, QPolygonF

    ensure_gui_app()
    image = QImage(size_px, size_px, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    red = QColor(RED)
    c = size_px / 2
    p.setPen(QPen(red, size_px * 0.035))
    p.drawEllipse(QPointF(c, c), c * 0.93, c * 0.93)
    # five-pointed star
    star = QPolygonF()
    for i in range(10):
        r = c * (0.24 if i % 2 == 0 else 0.095)
        a = -math.pi / 2 + i * math.pi / 5
        star.append(QPointF(c + r * math.cos(a), c + r * math.sin(a)))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(red)
    p.drawPolygon(star)
    chars = list(organisation)
    span = math.radians(min(250.0, 22.0 * len(chars)))
    radius = c * 0.93 - size_px * 0.0175
    glyph = min(size_px * 0.12, 0.9 * span * radius / max(1, len(chars)) * 0.82)
    font = QFont(SERIF)
    font.setBold(True)
    font.setPixelSize(max(8, int(glyph)))
    p.setFont(font)
    p.setPen(red)
    text_radius = radius - glyph * 0.72
    for i, ch in enumerate(chars):
        angle = -math.pi / 2 - span / 2 + span * (i + 0.5) / len(chars)
        p.save()
        p.translate(c + text_radius * math.cos(angle), c + text_radius * math.sin(angle))
        p.rotate(math.degrees(angle) + 90)
        p.drawText(QRectF(-glyph, -glyph * 0.6, glyph * 2, glyph * 1.2),
                   int(Qt.AlignmentFlag.AlignCenter), ch)
        p.restore()
    font.setPixelSize(int(size_px * 0.05))
    p.setFont(font)
    p.drawText(QRectF(0, c * 1.27, size_px, size_px * 0.07), int(Qt.AlignmentFlag.AlignHCenter), "样章")
    font.setPixelSize(int(size_px * 0.08))
    p.setFont(font)
    p.drawText(QRectF(0, c * 1.42, size_px, size_px * 0.11), int(Qt.AlignmentFlag.AlignHCenter), purpose)
    p.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())
