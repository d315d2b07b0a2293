"""Synthetic papers and synthetic photographs of them (Pillow + the system's CJK fonts).

Why generated: the pre-check needs many photographs of real-looking 户口簿 pages, 出生医学证明,
结婚证, ID cards, 残疾人证 and 营业执照 with known contents, and no real resident's papers may be kept
in a repository. Each document type has several layouts (the printed forms differ by year and by
printer), values in printed and handwritten-looking fonts, background patterns, red seals over the
text and distracting second persons; then `photograph` puts the paper under a simulated document
camera: on a table, tilted, in perspective, under uneven or dim light, with glare, blur, a finger
over a corner and JPEG compression.

Public functions:
- `render_document(doc_type, rng, people=None, layout=None) -> (page RGB array, Truth)`
- `photograph(page, rng, condition=None, truth=None) -> (frame BGR array, Shot)`
- `sample(rng, doc_type) -> (frame, Truth, Shot)`, one realistic photo with its truth.

The kiosk's simulated document camera can use `render_document` + `photograph` to show papers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache, lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from devices.precheck.doc_types import DOC_TYPES  # noqa: F401 - what sample() can draw (tests, benchmark)
from devices.precheck.people import (
    STREETS,
    Person,
    make_name,
    make_person,
)
from forms.validators import uscc_check_char

PX_PER_MM = 8.0  # pages are drawn at about 200 dpi

_FONT_FILES = {
    "sans": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "Noto Sans CJK SC"),
    "sans_bold": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", "Noto Sans CJK SC"),
    "serif": ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC"),
    "serif_bold": ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc", "Noto Serif CJK SC"),
    "kai": ("/usr/share/fonts/truetype/arphic/ukai.ttc", "AR PL UKai CN"),
    "ming": ("/usr/share/fonts/truetype/arphic/uming.ttc", "AR PL UMing CN"),
}


class FontsMissing(RuntimeError):
    """The CJK fonts are not installed (installer/setup.sh installs fonts-noto-cjk)."""


@cache
def _font_index(path: str, family: str) -> int:
    for index in range(12):
        try:
            font = ImageFont.truetype(path, 20, index=index)
        except OSError:
            break
        if font.getname()[0] == family:
            return index
    return 0


def font_available(style: str) -> bool:
    return Path(_FONT_FILES[style][0]).is_file()


@lru_cache(maxsize=256)
def _font(style: str, size_px: int) -> ImageFont.FreeTypeFont:
    if not font_available(style):
        style = "serif" if style.startswith("serif") or style == "ming" else "sans"
    path, family = _FONT_FILES[style]
    if not Path(path).is_file():
        raise FontsMissing(f"找不到中文字体 {path}，请运行 installer/setup.sh 安装 fonts-noto-cjk。")
    return ImageFont.truetype(path, max(6, size_px), index=_font_index(path, family))


@lru_cache(maxsize=4096)
def _has_glyph(style: str, char: str) -> bool:
    """Whether the font draws `char` itself (not its .notdef box): Pillow silently draws a box."""
    font = _font(style, 40)

    def bitmap(c: str) -> bytes:
        img = Image.new("L", (60, 60), 0)
        ImageDraw.Draw(img).text((5, 5), c, font=font, fill=255)
        return img.tobytes()

    return bitmap(char) != bitmap("\U000f0000")


@dataclass
class Truth:
    """What is really on a paper: its type, layout, main-person fields, everyone on it, and where
    the key values lie on the page (pixel boxes), so a photograph can tell which got covered."""

    doc_type: str
    layout: str
    fields: dict[str, str | None]
    people: dict[str, Person] = field(default_factory=dict)
    boxes: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)


class Page:
    """A paper being drawn, in millimetres (drawn at PX_PER_MM)."""

    def __init__(self, width_mm: float, height_mm: float, paper=(246, 244, 238)) -> None:
        self.w_mm, self.h_mm = width_mm, height_mm
        self.image = Image.new("RGB", (self.px(width_mm), self.px(height_mm)), paper)
        self.draw = ImageDraw.Draw(self.image)

    @staticmethod
    def px(mm: float) -> int:
        return int(round(mm * PX_PER_MM))

    def text(
        self,
        x: float,
        y: float,
        text: str,
        size: float,
        style: str = "serif",
        fill=(25, 25, 25),
        spacing: float = 0.0,
        anchor: str = "la",
    ) -> tuple[int, int, int, int]:
        """Draw `text` with its top-left at (x, y) mm, `size` mm high; characters the style's font
        lacks come from Noto. Returns the pixel box."""
        size_px = self.px(size)
        cx, top = self.px(x), self.px(y)
        if anchor == "ma":  # centred on x
            cx -= self.text_width(text, size, style, spacing) // 2
        left = cx
        for char in text:
            use = (
                style
                if (char.isascii() or _has_glyph(style, char))
                else ("serif" if style in ("kai", "ming", "serif_bold") else "sans")
            )
            font = _font(use, size_px)
            self.draw.text((cx, top), char, font=font, fill=fill)
            cx += int(font.getlength(char) + self.px(spacing))
        return left, top, cx, top + int(size_px * 1.15)

    def text_width(self, text: str, size: float, style: str = "serif", spacing: float = 0.0) -> int:
        font = _font(style, self.px(size))
        return int(sum(font.getlength(c) + self.px(spacing) for c in text))

    def line(self, x0: float, y0: float, x1: float, y1: float, width: float = 0.3, fill=(40, 40, 40)) -> None:
        self.draw.line(
            [(self.px(x0), self.px(y0)), (self.px(x1), self.px(y1))], fill=fill, width=max(1, self.px(width))
        )

    def rect(
        self, x0: float, y0: float, x1: float, y1: float, width: float = 0.3, outline=(40, 40, 40), fill=None
    ) -> None:
        self.draw.rectangle(
            [self.px(x0), self.px(y0), self.px(x1), self.px(y1)],
            outline=outline,
            fill=fill,
            width=max(1, self.px(width)),
        )

    def guilloche(self, rng: np.random.Generator, color: tuple[int, int, int], density: int = 40) -> None:
        """Security-print background: fine interlaced sine curves in a pale colour."""
        w, h = self.image.size
        phase = rng.uniform(0, 6.28)
        for k in range(density):
            y0 = h * k / density
            pts = [
                (x, y0 + 12 * math.sin(x / 37.0 + phase + k * 0.7) + 6 * math.sin(x / 11.0 + k))
                for x in range(0, w, 6)
            ]
            self.draw.line(pts, fill=color, width=1)

    def seal(
        self, cx: float, cy: float, r: float, text: str, rng: np.random.Generator, color=(205, 40, 40)
    ) -> None:
        """A round red seal: ring, star, the body's name around the rim; semi-transparent ink."""
        overlay = Image.new("RGBA", self.image.size, (0, 0, 0, 0))
        d = ImageDraw.Draw(overlay)
        alpha = int(rng.uniform(150, 215))
        ink = (*color, alpha)
        R, X, Y = self.px(r), self.px(cx), self.px(cy)
        d.ellipse([X - R, Y - R, X + R, Y + R], outline=ink, width=max(2, R // 18))
        star = [
            (
                X + 0.32 * R * math.cos(math.radians(-90 + 144 * i)),
                Y + 0.32 * R * math.sin(math.radians(-90 + 144 * i)),
            )
            for i in range(5)
        ]
        d.polygon(star, fill=ink)
        size = max(8, int(R * 0.28))
        font = _font("sans_bold", size)
        n = len(text)
        span = min(250.0, 22.0 * n)
        for i, char in enumerate(text):
            angle = -90 - span / 2 + span * (i + 0.5) / n
            glyph = Image.new("RGBA", (size * 2, size * 2), (0, 0, 0, 0))
            ImageDraw.Draw(glyph).text((size // 2, size // 2), char, font=font, fill=ink)
            glyph = glyph.rotate(-(angle + 90), resample=Image.BICUBIC)
            gx = X + (R * 0.72) * math.cos(math.radians(angle)) - size
            gy = Y + (R * 0.72) * math.sin(math.radians(angle)) - size
            overlay.alpha_composite(glyph, (int(gx), int(gy)))
        self.image = Image.alpha_composite(self.image.convert("RGBA"), overlay).convert("RGB")
        self.draw = ImageDraw.Draw(self.image)

    def emblem(self, cx: float, cy: float, r: float) -> None:
        """A simplified national emblem: a red disc with gold stars (a mark, not a likeness)."""
        X, Y, R = self.px(cx), self.px(cy), self.px(r)
        self.draw.ellipse(
            [X - R, Y - R, X + R, Y + R], fill=(200, 40, 35), outline=(220, 180, 60), width=max(2, R // 10)
        )
        for i, (dx, dy, s) in enumerate(
            (
                (0, -0.25, 0.3),
                (-0.45, -0.45, 0.12),
                (-0.2, -0.6, 0.12),
                (0.2, -0.6, 0.12),
                (0.45, -0.45, 0.12),
            )
        ):
            sx, sy, sr = X + dx * R, Y + dy * R, s * R
            pts = [
                (
                    sx + sr * math.cos(math.radians(-90 + 144 * k + i)),
                    sy + sr * math.sin(math.radians(-90 + 144 * k + i)),
                )
                for k in range(5)
            ]
            self.draw.polygon(pts, fill=(240, 200, 60))
        self.draw.rectangle(
            [X - R * 0.55, Y + R * 0.1, X + R * 0.55, Y + R * 0.45],
            outline=(240, 200, 60),
            width=max(1, R // 14),
        )

    def photo_box(self, x0: float, y0: float, x1: float, y1: float, rng: np.random.Generator) -> None:
        """A portrait photo: a pale background with a head-and-shoulders silhouette."""
        bg = tuple(int(v) for v in rng.integers(200, 240, 3))
        self.rect(x0, y0, x1, y1, fill=bg, outline=(150, 150, 150))
        w, h = x1 - x0, y1 - y0
        tone = tuple(int(v) for v in rng.integers(60, 110, 3))
        self.draw.ellipse(
            [self.px(x0 + w * 0.3), self.px(y0 + h * 0.15), self.px(x0 + w * 0.7), self.px(y0 + h * 0.6)],
            fill=tone,
        )
        self.draw.ellipse(
            [self.px(x0 + w * 0.1), self.px(y0 + h * 0.62), self.px(x0 + w * 0.9), self.px(y1 + h * 0.3)],
            fill=tone,
        )

    def array(self) -> np.ndarray:
        return np.asarray(self.image, dtype=np.uint8).copy()


def _ymd(d: date, style: int) -> str:
    if style == 0:
        return f"{d.year}年{d.month:02d}月{d.day:02d}日"
    if style == 1:
        return f"{d.year}年{d.month}月{d.day}日"
    return f"{d:%Y.%m.%d}"


def _pick(rng: np.random.Generator, options: tuple[str, ...] | list[str]) -> str:
    return str(options[int(rng.integers(0, len(options)))])


def _value_style(rng: np.random.Generator) -> str:
    return _pick(rng, ("serif", "serif", "sans", "kai", "ming"))


# ---------------------------------------------------------------------------------------- 户口簿


def _hukou(rng: np.random.Generator, people: dict[str, Person], layout: str) -> tuple[Page, Truth]:
    holder = people["holder"]
    head = people.get("head") or holder
    relation = (
        "户主" if head is holder else _pick(rng, ("妻", "夫", "长子", "长女", "次子", "母", "父", "孙子"))
    )
    page = Page(105, 143, paper=(240, 244, 246))
    page.guilloche(rng, (210, 222, 236), density=55)
    vs = _value_style(rng)
    reg = holder.birth + timedelta(days=int(rng.integers(30, 9000)))
    fields: dict[str, str | None] = {
        "name": holder.name,
        "id_number": holder.id_number,
        "sex": holder.sex,
        "birth_date": _ymd(holder.birth, 0),
        "relation": relation,
        "ethnicity": holder.ethnicity,
    }
    boxes: dict[str, tuple[int, int, int, int]] = {}
    page.text(52.5, 6, "常住人口登记卡", 6.0, "serif_bold", anchor="ma", spacing=0.8)
    if layout == "grid":
        rows = [
            ("姓　　名", holder.name, "户主或与户主关系", relation),
            ("曾 用 名", "", "性　　别", holder.sex),
            ("出 生 地", holder.birthplace, "", ""),
            ("民　　族", holder.ethnicity, "出生日期", _ymd(holder.birth, 0)),
            ("籍　　贯", holder.birthplace[:6], "宗教信仰", ""),
            ("本市(县)其他住址", "", "", ""),
            ("公民身份证件编号", holder.id_number, "", ""),
            (
                "身　　高",
                f"{int(rng.integers(150, 186))}厘米",
                "血　　型",
                _pick(rng, ("A", "B", "O", "AB", "")),
            ),
            (
                "文化程度",
                _pick(rng, ("初中", "高中", "大学本科", "小学")),
                "婚姻状况",
                _pick(rng, ("已婚", "未婚")),
            ),
            ("服务处所", "", "职　　业", ""),
            ("何时由何地迁来本市(县)", "", "", ""),
            ("何时由何地迁来本址", "", "", ""),
        ]
        top, row_h = 15.0, 8.6
        page.rect(5, top, 100, top + row_h * len(rows), width=0.35)
        for i, (l1, v1, l2, v2) in enumerate(rows):
            y = top + row_h * i
            page.line(5, y, 100, y, 0.25)
            label_size = 2.6 if len(l1) < 8 else 2.1
            page.text(6, y + 2.6, l1, label_size, "serif")
            lw = 22 if len(l1) <= 6 else 33
            page.line(5 + lw, y, 5 + lw, y + row_h, 0.25)
            if l2:
                page.line(58, y, 58, y + row_h, 0.25)
                page.text(59, y + 2.8, l2, 2.2 if len(l2) > 4 else 2.6, "serif")
                page.line(78, y, 78, y + row_h, 0.25)
                box = page.text(79, y + 2.2, v2, 3.2, vs)
                if l2.startswith("户主"):
                    boxes["relation"] = box
            if v1:
                box = page.text(
                    7 + lw,
                    y + 2.0,
                    v1,
                    3.4 if l1 != "出 生 地" else 2.8,
                    vs,
                    spacing=0.15 if "编号" in l1 else 0.0,
                )
                if l1.startswith("姓"):
                    boxes["name"] = box
                elif "编号" in l1:
                    boxes["id_number"] = box
    else:  # "lines": an older print with label: value lines and the number at the bottom
        y = 18.0
        items = [
            ("户主或与户主关系", relation),
            ("姓名", holder.name),
            ("曾用名", ""),
            ("性别", holder.sex),
            ("民族", holder.ethnicity),
            ("出生日期", _ymd(holder.birth, 1)),
            ("出生地", holder.birthplace),
            ("籍贯", holder.birthplace[:6]),
            ("文化程度", _pick(rng, ("初中", "高中", "中专", "小学"))),
            ("婚姻状况", _pick(rng, ("已婚", "未婚"))),
            ("服务处所", ""),
        ]
        for label, value in items:
            page.text(8, y, label, 2.8, "serif")
            page.line(8 + len(label) * 3.0 + 1, y + 3.8, 97, y + 3.8, 0.2, fill=(120, 120, 140))
            if value:
                box = page.text(10 + len(label) * 3.0 + 2, y - 0.6, value, 3.5, vs)
                if label == "姓名":
                    boxes["name"] = box
                if label.startswith("户主"):
                    boxes["relation"] = box
            y += 8.2
        page.text(8, y + 2, "公民身份号码", 2.8, "serif")
        boxes["id_number"] = page.text(30, y + 1.4, holder.id_number, 3.6, "sans", spacing=0.3)
        y += 11
        page.text(8, y, "何时由何地迁来本址", 2.4, "serif")
    # 承办人签章 (the clerk's name: a distracting name on every page) and the registration date.
    clerk = make_name(rng, rare=0.0)
    page.text(8, 123, "承办人签章", 2.4, "serif")
    page.text(26, 122.5, clerk, 3.2, "kai", fill=(60, 40, 140))
    page.text(60, 123, "登记日期", 2.4, "serif")
    page.text(74, 122.5, _ymd(reg, 0), 2.6, vs)
    page.seal(80, 128, 11, f"{holder.birthplace[3:9]}公安局户口专用章", rng)
    fields["registration_date"] = _ymd(reg, 0)
    return page, Truth("hukou", layout, fields, dict(people), boxes)


def _hukou_cover(rng: np.random.Generator, people: dict[str, Person]) -> tuple[Page, Truth]:
    """The 户主页 (居民户口簿 first page): household head and address, no ID number."""
    head = people["holder"]
    page = Page(105, 143, paper=(240, 244, 246))
    page.guilloche(rng, (214, 226, 238), density=50)
    page.text(52.5, 8, "居民户口簿", 7.0, "serif_bold", anchor="ma", spacing=2)
    vs = _value_style(rng)
    rows = [
        ("户　别", _pick(rng, ("家庭户", "农业家庭户", "非农业家庭户"))),
        ("户主姓名", head.name),
        ("户　号", f"{int(rng.integers(10_000_000, 99_999_999))}"),
        ("住　址", head.address),
    ]
    top = 26.0
    boxes = {}
    for i, (label, value) in enumerate(rows):
        y = top + i * 12
        page.rect(6, y, 99, y + 12, width=0.3)
        page.line(28, y, 28, y + 12, 0.3)
        page.text(8, y + 4, label, 3.0, "serif")
        box = page.text(30, y + 3.4, value, 3.4 if len(value) < 16 else 2.5, vs)
        if label == "户主姓名":
            boxes["name"] = box
    page.text(8, 80, "户口登记机关", 3.0, "serif")
    page.text(8, 90, "承办人签章", 3.0, "serif")
    page.text(32, 89.5, make_name(rng, rare=0.0), 3.2, "kai", fill=(60, 40, 140))
    page.seal(62, 86, 13, f"{head.birthplace[3:9]}公安局户口专用章", rng)
    fields = {"name": head.name, "id_number": None, "relation": "户主"}
    return page, Truth("hukou", "cover", fields, dict(people), boxes)


# ------------------------------------------------------------------------------------- 出生医学证明


def _birth_cert(rng: np.random.Generator, people: dict[str, Person], layout: str) -> tuple[Page, Truth]:
    child, mother, father = people["child"], people["mother"], people["father"]
    page = Page(190, 135, paper=(250, 246, 240))
    page.guilloche(rng, (236, 214, 214), density=45)
    page.rect(4, 4, 186, 131, width=0.8, outline=(170, 60, 60))
    vs = _value_style(rng)
    serial = f"{_pick(rng, ('O', 'P', 'Q', 'R', 'S'))}{int(rng.integers(210_000_000, 219_999_999))}"
    born = child.birth
    hour = int(rng.integers(0, 24))
    page.text(95, 8, "出生医学证明", 8.0, "serif_bold", anchor="ma", spacing=1.5, fill=(150, 30, 30))
    page.text(95, 18, "Medical Certificate of Birth", 3.0, "serif", anchor="ma", fill=(150, 30, 30))
    page.text(140, 24, "编号", 2.6, "serif")
    page.text(147, 23.5, serial, 3.4, "sans", fill=(170, 30, 30))
    boxes = {}
    label = (80, 30, 30)

    def pair(
        x: float, y: float, zh: str, en: str, value: str, size: float = 3.4, key: str | None = None
    ) -> None:
        page.text(x, y, zh, 2.8, "serif", fill=label)
        page.text(x, y + 3.4, en, 1.6, "serif", fill=label)
        box = page.text(x + max(16.0, len(zh) * 3.0 + 2), y - 0.4, value, size, vs)
        if key:
            boxes[key] = box

    sex = child.sex
    pair(10, 32, "新生儿姓名", "Name", child.name, 4.0, "name")
    pair(75, 32, "性别", "Sex", sex)
    pair(120, 32, "出生孕周", "Gestational age", f"{int(rng.integers(37, 42))}周")
    pair(
        10,
        41,
        "出生时间",
        "Date of Birth",
        f"{born.year}年{born.month:02d}月{born.day:02d}日{hour:02d}时{int(rng.integers(0, 60)):02d}分",
        3.2,
    )
    pair(120, 41, "出生体重", "Birth weight", f"{int(rng.integers(2600, 4200))}克")
    pair(10, 50, "出生地点", "Place of Birth", child.birthplace, 3.0)
    pair(120, 50, "健康状况", "Health", _pick(rng, ("良好", "良好", "一般")))

    def parent(x: float, y: float, who: str, en: str, p: Person, key: str) -> None:
        pair(x, y, f"{who}姓名", f"{en}'s Name", p.name, 3.6, f"{key}_name")
        pair(x, y + 9, "年龄", "Age", f"{max(18, born.year - p.birth.year)}")
        pair(x + 40, y + 9, "民族", "Ethnic", p.ethnicity)
        pair(x, y + 18, "国籍", "Nationality", "中国")
        pair(x, y + 27, "有效身份证件号码", "ID No.", "", 3.2)
        boxes[f"{key}_id_number"] = page.text(x + 2, y + 33, p.id_number, 3.4, "sans", spacing=0.2)

    if layout == "side":  # mother left, father right (the printed national form)
        page.line(8, 60, 182, 60, 0.25, fill=(170, 100, 100))
        parent(10, 64, "母亲", "Mother", mother, "mother")
        parent(100, 64, "父亲", "Father", father, "father")
    else:  # "stacked": mother's block above father's, each on one line
        y = 62.0
        for who, en, p, key in (("母亲", "Mother", mother, "mother"), ("父亲", "Father", father, "father")):
            pair(10, y, f"{who}姓名", f"{en}'s Name", p.name, 3.6, f"{key}_name")
            pair(60, y, "民族", "Ethnic", p.ethnicity)
            pair(90, y, "有效身份证件号码", "ID No.", "", 3.2)
            boxes[f"{key}_id_number"] = page.text(128, y - 0.4, p.id_number, 3.4, "sans", spacing=0.2)
            y += 12
        pair(10, y + 2, "住址", "Address", mother.address, 2.8)
    hospital = f"{child.birthplace[3:9]}{_pick(rng, ('妇婴医院', '人民医院', '妇幼保健院', '中心医院'))}"
    page.text(10, 112, "接生机构名称", 2.6, "serif", fill=label)
    page.text(30, 111.5, hospital, 3.0, vs)
    page.text(110, 112, "签证机构（盖章）", 2.6, "serif", fill=label)
    issued = born + timedelta(days=int(rng.integers(1, 20)))
    page.text(120, 120, _ymd(issued, 1), 3.0, vs)
    page.seal(150, 116, 13, f"{hospital}出生医学证明专用章", rng)
    fields = {
        "name": child.name,
        "id_number": mother.id_number,
        "sex": sex,
        "birth_date": _ymd(born, 0),
        "mother_name": mother.name,
        "mother_id_number": mother.id_number,
        "father_name": father.name,
        "father_id_number": father.id_number,
        "certificate_number": serial,
        "issuer": hospital,
    }
    # fields["id_number"] is the mother's: so is its box, so a photo that ruins the mother's
    # number counts as spoiling the main one (as the 结婚证 aliases the holder's box)
    boxes["id_number"] = boxes["mother_id_number"]
    return page, Truth("birth_cert", layout, fields, dict(people), boxes)


# ------------------------------------------------------------------------------------------- 结婚证


def _marriage(rng: np.random.Generator, people: dict[str, Person], layout: str) -> tuple[Page, Truth]:
    holder, spouse = people["holder"], people["spouse"]
    husband, wife = (holder, spouse) if holder.sex == "男" else (spouse, holder)
    page = Page(125, 88, paper=(248, 238, 232))
    page.guilloche(rng, (238, 206, 200), density=35)
    vs = _value_style(rng)
    reg = max(husband.birth, wife.birth) + timedelta(days=int(rng.integers(22 * 365, 35 * 365)))
    reg = min(reg, date(2025, 6, 30))
    county = holder.birthplace[3:9] or "沈阳市和平区"
    number = f"J{holder.id_number[:6]}-{reg.year}-{int(rng.integers(1, 9999)):06d}"
    boxes = {}
    page.text(62.5, 4, "结婚证", 5.5, "serif_bold", anchor="ma", spacing=2, fill=(160, 30, 30))
    page.text(8, 14, "持证人", 2.8, "serif")
    boxes["name"] = page.text(22, 13.4, holder.name, 3.6, vs)
    page.text(8, 20, "登记日期", 2.8, "serif")
    page.text(22, 19.4, _ymd(reg, 0), 3.0, vs)
    page.text(8, 26, "结婚证字号", 2.8, "serif")
    page.text(25, 25.4, number, 3.0, "sans")
    page.text(8, 32, "备注", 2.8, "serif")

    def person(x: float, y: float, p: Person, key: str) -> None:
        page.text(x, y, "姓名", 2.6, "serif")
        boxes[f"{key}_name"] = page.text(x + 10, y - 0.5, p.name, 3.4, vs)
        page.text(x, y + 5.5, "性别", 2.6, "serif")
        page.text(x + 10, y + 5.0, p.sex, 3.0, vs)
        page.text(x + 22, y + 5.5, "国籍", 2.6, "serif")
        page.text(x + 32, y + 5.0, "中国", 3.0, vs)
        page.text(x, y + 11, "出生日期", 2.6, "serif")
        page.text(x + 13, y + 10.5, _ymd(p.birth, 0), 3.0, vs)
        page.text(x, y + 16.5, "身份证件号", 2.6, "serif")
        boxes[f"{key}_id_number"] = page.text(x + 15, y + 16.0, p.id_number, 2.9, "sans", spacing=0.1)

    if layout == "photo":  # the 2004 national page: a joint photo on top right, the two below
        page.photo_box(78, 12, 118, 38, rng)
        person(8, 44, husband, "husband")
        person(8, 66, wife, "wife")
    else:  # "columns": the two side by side
        person(4, 44, husband, "husband")
        person(64, 44, wife, "wife")
    page.seal(100, 72, 11, f"{county}民政局婚姻登记专用章", rng)
    holder_key = "husband" if holder is husband else "wife"
    spouse_key = "wife" if holder_key == "husband" else "husband"
    boxes["id_number"] = boxes[f"{holder_key}_id_number"]
    boxes["spouse_name"] = boxes[f"{spouse_key}_name"]
    fields = {
        "name": holder.name,
        "id_number": holder.id_number,
        "spouse_name": spouse.name,
        "spouse_id_number": spouse.id_number,
        "registration_date": _ymd(reg, 0),
        "certificate_number": number,
    }
    return page, Truth("marriage_cert", layout, fields, dict(people), boxes)


# ------------------------------------------------------------------------------------------ 身份证


def _id_front(rng: np.random.Generator, people: dict[str, Person], layout: str) -> tuple[Page, Truth]:
    p = people["holder"]
    page = Page(85.6, 54, paper=(232, 238, 240))
    page.guilloche(rng, (205, 222, 230), density=22)
    page.photo_box(58, 8, 82, 38, rng)
    boxes = {}
    label = (40, 110, 160)
    page.text(5, 6, "姓  名", 2.4, "sans", fill=label)
    boxes["name"] = page.text(15, 5.5, p.name, 3.4, "sans_bold")
    page.text(5, 12.5, "性  别", 2.4, "sans", fill=label)
    page.text(15, 12.2, p.sex, 2.8, "sans")
    page.text(25, 12.5, "民  族", 2.4, "sans", fill=label)
    page.text(34, 12.2, p.ethnicity, 2.8, "sans")
    page.text(5, 19, "出  生", 2.4, "sans", fill=label)
    page.text(15, 18.7, f"{p.birth.year}  年  {p.birth.month}  月  {p.birth.day}  日", 2.8, "sans")
    page.text(5, 25.5, "住  址", 2.4, "sans", fill=label)
    addr = p.address
    page.text(15, 25.2, addr[:13], 2.8, "sans")
    if len(addr) > 13:
        page.text(15, 29.6, addr[13:26], 2.8, "sans")
    page.text(5, 43, "公民身份号码", 2.4, "sans", fill=label)
    boxes["id_number"] = page.text(27, 42.4, p.id_number, 3.4, "sans_bold", spacing=0.35)
    fields = {
        "name": p.name,
        "id_number": p.id_number,
        "sex": p.sex,
        "ethnicity": p.ethnicity,
        "birth_date": _ymd(p.birth, 0),
    }
    return page, Truth("id_card_front", layout, fields, dict(people), boxes)


def _id_back(rng: np.random.Generator, people: dict[str, Person], layout: str) -> tuple[Page, Truth]:
    p = people["holder"]
    page = Page(85.6, 54, paper=(232, 238, 240))
    page.guilloche(rng, (205, 222, 230), density=22)
    page.emblem(13, 13, 8)
    page.text(50, 8, "中华人民共和国", 4.0, "serif_bold", anchor="ma", spacing=0.6)
    page.text(50, 17, "居民身份证", 5.5, "serif_bold", anchor="ma", spacing=1.5)
    start = date(int(rng.integers(2006, 2025)), int(rng.integers(1, 13)), int(rng.integers(1, 29)))
    years = _pick(rng, ("10", "20", "20", "long"))
    end = "长期" if years == "long" else f"{start.year + int(years)}.{start.month:02d}.{start.day:02d}"
    issuer = f"{p.birthplace[3:9] or '沈阳市'}公安局"
    if layout == "branch" and len(p.birthplace) > 9:
        issuer = f"{p.birthplace[3:6]}公安局{p.birthplace[6:9]}分局"
    page.text(12, 36, "签发机关", 2.4, "sans")
    page.text(26, 35.6, issuer, 2.9, "sans")
    page.text(12, 43, "有效期限", 2.4, "sans")
    page.text(26, 42.6, f"{start:%Y.%m.%d}-{end}", 2.9, "sans")
    fields = {
        "name": None,
        "id_number": None,
        "issuer": issuer,
        "valid_from": f"{start:%Y.%m.%d}",
        "valid_until": end,
    }
    return page, Truth("id_card_back", layout, fields, dict(people), {})


# ----------------------------------------------------------------------------------------- 残疾人证


_DISABILITY = (("视力", "1"), ("听力", "2"), ("言语", "3"), ("肢体", "4"), ("智力", "5"), ("精神", "6"))


def _disability(rng: np.random.Generator, people: dict[str, Person], layout: str) -> tuple[Page, Truth]:
    p = people["holder"]
    kind, kcode = _DISABILITY[int(rng.integers(0, len(_DISABILITY)))]
    level = int(rng.integers(1, 5))
    number = f"{p.id_number}{kcode}{level}"
    issued = date(int(rng.integers(2016, 2025)), int(rng.integers(1, 13)), int(rng.integers(1, 29)))
    issuer = f"{p.birthplace[3:9] or '沈阳市'}残疾人联合会"
    vs = _value_style(rng)
    boxes = {}
    level_text = "一二三四"[level - 1] + "级"
    if layout == "card":
        page = Page(85.6, 54, paper=(236, 240, 248))
        page.guilloche(rng, (210, 216, 236), density=22)
        page.text(42.8, 3, "中华人民共和国残疾人证", 3.6, "serif_bold", anchor="ma")
        page.photo_box(62, 11, 82, 36, rng)
        rows = [
            ("姓名", p.name, "name"),
            ("性别", p.sex, None),
            ("残疾类别", kind, None),
            ("残疾等级", level_text, None),
        ]
        y = 11.0
        for label, value, key in rows:
            page.text(4, y, label, 2.3, "sans", fill=(60, 70, 120))
            box = page.text(17, y - 0.4, value, 3.0, "sans")
            if key:
                boxes[key] = box
            y += 5.6
        page.text(4, 36, "残疾人证号", 2.3, "sans", fill=(60, 70, 120))
        boxes["id_number"] = page.text(4, 40.5, number, 3.0, "sans_bold", spacing=0.2)
        page.text(4, 47.5, f"发证日期 {issued:%Y.%m.%d}", 2.2, "sans")
        page.text(44, 47.5, issuer, 2.2, "sans")
    else:  # "booklet": the second-generation booklet page
        page = Page(130, 92, paper=(244, 242, 236))
        page.guilloche(rng, (222, 222, 236), density=30)
        page.text(65, 4, "中华人民共和国残疾人证", 5.0, "serif_bold", anchor="ma", spacing=0.5)
        page.photo_box(98, 16, 124, 50, rng)
        rows = [
            ("姓　　名", p.name, "name"),
            ("性　　别", p.sex, None),
            ("民　　族", p.ethnicity, None),
            ("出生日期", _ymd(p.birth, 0), None),
            ("残疾类别", kind, None),
            ("残疾等级", level_text, None),
            ("住　　址", p.address, None),
        ]
        y = 16.0
        for label, value, key in rows:
            page.text(6, y, label, 2.8, "serif")
            box = page.text(22, y - 0.5, value, 3.4 if len(value) < 12 else 2.6, vs)
            if key:
                boxes[key] = box
            y += 7.0
        page.text(6, y + 1, "残疾人证号", 2.8, "serif")
        boxes["id_number"] = page.text(24, y + 0.5, number, 3.3, "sans", spacing=0.25)
        page.text(6, y + 9, "发证机关", 2.8, "serif")
        page.text(22, y + 8.5, issuer, 3.0, vs)
        page.text(78, y + 9, "发证日期", 2.8, "serif")
        page.text(92, y + 8.5, _ymd(issued, 0), 3.0, vs)
        page.seal(100, 80, 9, f"{issuer}", rng)
    fields = {
        "name": p.name,
        "id_number": p.id_number,
        "certificate_number": number,
        "disability_category": kind,
        "disability_level": level_text,
        "issue_date": _ymd(issued, 0),
        "issuer": issuer,
    }
    return page, Truth("disability_cert", layout, fields, dict(people), boxes)


# ----------------------------------------------------------------------------------------- 营业执照


_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_SHOP_WORDS = (
    "小吃店",
    "便利店",
    "五金店",
    "理发店",
    "农资经销部",
    "饭店",
    "水果店",
    "日杂商店",
    "修配部",
    "服装店",
    "烧烤店",
    "粮油店",
)
_SHOP_NAMES = ("福兴", "鑫源", "好运来", "老街坊", "兴旺", "聚福", "惠民", "佳佳", "春风", "大众")


def make_uscc(rng: np.random.Generator, county_code: str, kind: str = "92") -> str:
    body = kind + county_code + "".join(_USCC_CHARS[int(i)] for i in rng.integers(0, 31, 9))
    return body + uscc_check_char(body)


def _license(rng: np.random.Generator, people: dict[str, Person], layout: str) -> tuple[Page, Truth]:
    p = people["holder"]
    company = layout == "company"
    county_code = p.id_number[:6]
    code = make_uscc(rng, county_code, "91" if company else "92")
    city = p.birthplace[3:9] or "沈阳市"
    shop = (
        f"{city[:2]}{_pick(rng, _SHOP_NAMES)}{_pick(rng, ('商贸', '农业科技', '餐饮管理'))}有限公司"
        if company
        else f"{city[3:6] if len(city) > 5 else city[:2]}{_pick(rng, _SHOP_NAMES)}{_pick(rng, _SHOP_WORDS)}"
    )
    reg = date(int(rng.integers(2015, 2025)), int(rng.integers(1, 13)), int(rng.integers(1, 29)))
    issuer = f"{city}市场监督管理局"
    vs = _pick(rng, ("serif", "sans", "serif"))
    landscape = layout == "original"
    page = Page(297, 210, paper=(250, 248, 242)) if landscape else Page(210, 297, paper=(250, 248, 242))
    W = page.w_mm
    page.rect(6, 6, W - 6, page.h_mm - 6, width=2.2, outline=(190, 150, 80))
    page.rect(9, 9, W - 9, page.h_mm - 9, width=0.5, outline=(190, 150, 80))
    page.emblem(W / 2, 26, 11)
    page.text(W / 2, 40, "营业执照", 13.0, "serif_bold", anchor="ma", spacing=4)
    if not landscape:
        page.text(W / 2, 57, "（副　　本）", 4.5, "serif", anchor="ma")
    top = 62 if landscape else 72
    page.text(14, top, "统一社会信用代码", 4.2, "serif_bold")
    boxes = {"credit_code": page.text(14, top + 6.5, code, 5.2, "sans", spacing=0.3)}
    rows = [
        ("名　　称", shop),
        ("类　　型", "有限责任公司（自然人独资）" if company else "个体工商户"),
        ("法定代表人" if company else "经 营 者", p.name),
        (
            "经营范围",
            _pick(
                rng,
                (
                    "餐饮服务；食品销售（仅销售预包装食品）",
                    "日用百货、五金交电零售",
                    "农业机械维修；农资销售",
                    "理发服务；美容服务（不含医疗美容）",
                ),
            ),
        ),
    ]
    if company:
        rows += [
            ("注册资本", f"人民币{int(rng.integers(3, 500))}万元"),
            ("成立日期", _ymd(reg, 0)),
            ("住　　所", p.address),
        ]
    else:
        rows += [
            ("组成形式", _pick(rng, ("个人经营", "家庭经营"))),
            ("注册日期", _ymd(reg, 0)),
            ("经营场所", f"{p.address[:12]}{_pick(rng, STREETS)}{int(rng.integers(1, 99))}号"),
        ]
    x_label, x_value = (120, 150) if landscape else (16, 46)
    y = 62 if landscape else 96
    for label, value in rows:
        page.text(x_label, y, label, 4.0, "serif")
        size = 4.2 if len(value) < 22 else 3.4
        box = page.text(x_value, y - 0.3, value, size, vs)
        if label in ("经 营 者", "法定代表人"):
            boxes["name"] = box
        if label.startswith("名"):
            boxes["business_name"] = box
        y += 13 if landscape else 15
    page.text(W - 80, page.h_mm - 44, "登记机关", 4.2, "serif")
    page.text(W - 75, page.h_mm - 30, _ymd(reg + timedelta(days=int(rng.integers(0, 400))), 1), 4.0, vs)
    page.seal(W - 50, page.h_mm - 38, 20, issuer, rng)
    page.text(W / 2, page.h_mm - 16, "国家企业信用信息公示系统网址：", 3.0, "serif", anchor="ma")
    fields = {
        "name": p.name,
        "id_number": None,
        "credit_code": code,
        "business_name": shop,
        "business_type": "有限责任公司" if company else "个体工商户",
        "registration_date": _ymd(reg, 0),
        "issuer": issuer,
    }
    return page, Truth("business_license", layout, fields, dict(people), boxes)


# ---------------------------------------------------------------------------------------- other


def _other(rng: np.random.Generator, people: dict[str, Person], layout: str) -> tuple[Page, Truth]:
    p = people["holder"]
    fields: dict[str, str | None] = {"name": None, "id_number": None}
    if layout == "receipt":
        page = Page(80, 190, paper=(250, 250, 248))
        page.text(
            40, 6, f"{_pick(rng, ('兴隆', '大润发', '佳惠', '福佳'))}超市", 5.0, "sans_bold", anchor="ma"
        )
        page.text(40, 14, "购物小票", 3.5, "sans", anchor="ma")
        page.text(
            4,
            22,
            f"收银员：{int(rng.integers(1000, 9999))}  机号：{int(rng.integers(1, 20)):02d}",
            2.6,
            "sans",
        )
        page.text(
            4,
            27,
            f"日期：{date(2025, int(rng.integers(1, 13)), int(rng.integers(1, 28))):%Y-%m-%d}",
            2.6,
            "sans",
        )
        y = 36.0
        total = 0.0
        for _ in range(int(rng.integers(5, 12))):
            item = _pick(
                rng,
                (
                    "大米5kg",
                    "酱油500ml",
                    "鸡蛋",
                    "白菜",
                    "食用油",
                    "牛奶",
                    "面包",
                    "香皂",
                    "洗衣粉",
                    "挂面",
                    "食盐",
                    "啤酒",
                ),
            )
            price = float(rng.integers(2, 80)) + 0.5 * int(rng.integers(0, 2))
            total += price
            page.text(4, y, item, 3.0, "sans")
            page.text(58, y, f"{price:.2f}", 3.0, "sans")
            y += 6
        page.line(4, y + 1, 76, y + 1, 0.3)
        page.text(4, y + 4, f"合计：{total:.2f}", 3.4, "sans_bold")
        page.text(4, y + 11, f"会员卡号：{int(rng.integers(10**11, 10**12))}", 2.6, "sans")
        page.text(4, y + 17, "谢谢惠顾，欢迎再次光临", 2.8, "sans")
    elif layout == "blank":
        page = Page(210, 297, paper=tuple(int(v) for v in rng.integers(235, 252, 3)))
    else:  # "notice": a village committee notice that mentions a resident by name
        page = Page(210, 297, paper=(250, 250, 246))
        page.text(
            105,
            22,
            _pick(
                rng,
                (
                    "关于开展城乡居民医保集中缴费的通知",
                    "关于做好秋季防火工作的通知",
                    "关于领取高龄津贴的通知",
                ),
            ),
            6.0,
            "serif_bold",
            anchor="ma",
        )
        y = 40.0
        sentences = (
            "各村民小组、全体村民：",
            "为切实做好本年度相关工作，现将有关事项通知如下。",
            "一、请各户户主于本月底前到村委会办理登记，携带本人居民身份证和户口簿。",
            "二、行动不便的老年人可由家属代办，也可电话联系村网格员上门服务。",
            f"三、联系人：{p.name}，联系电话：{int(rng.integers(13000000000, 13999999999))}。",
            "四、请大家相互转告，按时办理，逾期不再另行通知。",
            "特此通知。",
        )
        for s in sentences:
            for k in range(0, len(s), 30):
                page.text(20 if k else 28, y, s[k : k + 30], 5.0, "serif")
                y += 9
            y += 3
        page.text(130, y + 12, f"{_pick(rng, ('红旗', '三合', '永安'))}村民委员会", 5.0, "serif")
        page.text(135, y + 22, _ymd(date(2025, int(rng.integers(1, 13)), 5), 1), 5.0, "serif")
        page.seal(160, y + 15, 19, "村民委员会", rng)
    return page, Truth("other", layout, fields, dict(people), {})


# ------------------------------------------------------------------------------------ the registry


LAYOUTS: dict[str, tuple[str, ...]] = {
    "hukou": ("grid", "lines", "cover"),
    "birth_cert": ("side", "stacked"),
    "marriage_cert": ("photo", "columns"),
    "id_card_front": ("standard",),
    "id_card_back": ("standard", "branch"),
    "disability_cert": ("card", "booklet"),
    "business_license": ("copy", "original", "company"),
    "other": ("notice", "receipt", "blank"),
}


def default_people(doc_type: str, rng: np.random.Generator, *, rare: float = 0.15) -> dict[str, Person]:
    """The people a paper of `doc_type` is about, by role: `holder` (and `head` of a household),
    or `child`, `mother`, `father` for a birth certificate, `holder` and `spouse` for a marriage."""
    if doc_type == "birth_cert":
        mother = make_person(rng, sex="女", born_from=date(1980, 1, 1), born_to=date(2002, 1, 1), rare=rare)
        father = make_person(rng, sex="男", born_from=date(1976, 1, 1), born_to=date(2000, 1, 1), rare=rare)
        surname = father.name[0] if rng.random() < 0.85 else mother.name[0]
        child = make_person(
            rng, born_from=date(2023, 1, 1), born_to=date(2025, 9, 1), rare=rare, surname=surname
        )
        child_from_mother = Person(
            child.name,
            child.sex,
            child.birth,
            child.id_number,
            mother.ethnicity,
            mother.address,
            child.birthplace,
        )
        return {"child": child_from_mother, "mother": mother, "father": father}
    if doc_type == "marriage_cert":
        holder = make_person(rng, born_from=date(1955, 1, 1), born_to=date(2000, 1, 1), rare=rare)
        spouse = make_person(
            rng,
            sex="女" if holder.sex == "男" else "男",
            born_from=holder.birth - timedelta(days=2500),
            born_to=holder.birth + timedelta(days=2500),
            rare=rare,
        )
        return {"holder": holder, "spouse": spouse}
    holder = make_person(rng, rare=rare)
    people = {"holder": holder}
    if doc_type == "hukou" and rng.random() < 0.5:
        people["head"] = make_person(rng, rare=rare, surname=holder.name[0])
    return people


_RENDERERS = {
    "birth_cert": _birth_cert,
    "marriage_cert": _marriage,
    "id_card_front": _id_front,
    "id_card_back": _id_back,
    "disability_cert": _disability,
    "business_license": _license,
    "other": _other,
}


def render_document(
    doc_type: str,
    rng: np.random.Generator,
    people: dict[str, Person] | None = None,
    layout: str | None = None,
) -> tuple[np.ndarray, Truth]:
    """Draw one paper of `doc_type` (one of DOC_TYPES) about `people` (by role; made up when None)
    in `layout` (one of LAYOUTS[doc_type]; random when None). Returns (RGB page, truth)."""
    if doc_type not in LAYOUTS:
        raise ValueError(f"未知的材料种类：{doc_type}（可选：{'、'.join(LAYOUTS)}）")
    layout = layout or _pick(rng, LAYOUTS[doc_type])
    if layout not in LAYOUTS[doc_type]:
        raise ValueError(f"{doc_type} 没有 {layout} 版式（可选：{'、'.join(LAYOUTS[doc_type])}）")
    people = people or default_people(doc_type, rng)
    if doc_type == "hukou":
        page, truth = _hukou_cover(rng, people) if layout == "cover" else _hukou(rng, people, layout)
    else:
        page, truth = _RENDERERS[doc_type](rng, people, layout)
    return page.array(), truth


# ------------------------------------------------------------------------------------ photographs


@dataclass
class Condition:
    """How a photograph is spoiled. `severe` marks photos a person could not read either."""

    px_per_mm: float = 6.4
    rotate_deg: float = 0.0
    perspective: float = 0.02
    brightness: float = 1.0
    gradient: float = 0.15
    blur_sigma: float = 0.0
    motion_px: int = 0
    glare: float = 0.0
    glare_at: tuple[float, float] = (0.5, 0.5)  # where on the paper, as fractions
    occlude: tuple[float, float, float, float] | None = None  # paper fractions x0 y0 x1 y1 covered
    noise: float = 2.0
    jpeg_quality: int = 85
    table: str = "wood"
    upside_down: bool = False


@dataclass
class Shot:
    """What `photograph` did: the condition, the paper's corners in the frame, and which truth
    fields it spoiled (covered by a finger, washed out by glare, or too dark/blurred to read)."""

    condition: Condition
    corners: np.ndarray
    spoiled: set[str] = field(default_factory=set)

    @property
    def severe(self) -> bool:
        return bool(self.spoiled)


def random_condition(rng: np.random.Generator, *, bad: float = 0.12) -> Condition:
    """A realistic mix: mostly fair photos; some dim, tilted, soft or shiny; with probability `bad`
    one of the spoilers a resident must be told about (dark, glare over the text, a finger, blur)."""
    c = Condition(
        px_per_mm=float(rng.uniform(5.6, 7.4)),
        rotate_deg=float(rng.normal(0, 4)),
        perspective=float(rng.uniform(0.0, 0.045)),
        brightness=float(rng.uniform(0.7, 1.1)),
        gradient=float(rng.uniform(0.0, 0.35)),
        blur_sigma=float(rng.choice([0.0, 0.0, 0.5, 0.8, 1.1])),
        glare=float(rng.choice([0.0, 0.0, 0.0, 0.35, 0.6])),
        glare_at=(float(rng.uniform(0.1, 0.9)), float(rng.uniform(0.1, 0.9))),
        noise=float(rng.uniform(1.0, 4.0)),
        jpeg_quality=int(rng.integers(55, 93)),
        # Most document cameras stand on their own dark pad; a white desk is rare (and the capture
        # room's paper finder often misses a white page on it).
        table=str(rng.choice(["wood", "dark", "grey", "white"], p=[0.4, 0.35, 0.2, 0.05])),
    )
    if rng.random() < bad:
        spoiler = _pick(rng, ("dark", "glare", "finger", "blur"))
        if spoiler == "dark":
            c.brightness, c.noise = float(rng.uniform(0.12, 0.2)), 6.0
        elif spoiler == "glare":
            c.glare = float(rng.uniform(1.6, 2.2))
        elif spoiler == "finger":
            x0, y0 = float(rng.uniform(0.0, 0.5)), float(rng.uniform(0.0, 0.6))
            c.occlude = (x0, y0, x0 + float(rng.uniform(0.35, 0.55)), y0 + float(rng.uniform(0.25, 0.4)))
        else:
            c.blur_sigma = float(rng.uniform(4.0, 6.0))
    return c


def _table(kind: str, h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    noise = rng.normal(0, 6, (h, w)).astype(np.float32)
    if kind == "wood":
        grain = 0.5 + 0.5 * np.sin(xx / 9.0 + 3 * np.sin(yy / 60.0)) * np.sin(yy / 140.0 + xx / 400.0)
        base = 95 + 35 * grain + noise
        table = np.stack([base * 0.55, base * 0.8, base * 1.05], axis=2)
    elif kind == "dark":
        table = np.stack([40 + noise, 42 + noise, 45 + noise], axis=2)
    elif kind == "grey":
        table = np.stack([120 + noise, 122 + noise, 118 + noise], axis=2)
    else:  # a white desk: little contrast with the paper
        table = np.stack([200 + noise, 205 + noise, 208 + noise], axis=2)
    return np.clip(table, 0, 255).astype(np.float32)


def photograph(
    page_rgb: np.ndarray,
    rng: np.random.Generator,
    condition: Condition | None = None,
    truth: Truth | None = None,
) -> tuple[np.ndarray, Shot]:
    """The paper under a document camera: a 4:3 frame (portrait for portrait papers) in which the
    paper is `px_per_mm` large, turned, in perspective, lit unevenly, maybe shiny, covered, soft,
    then JPEG-compressed. Returns (BGR frame decoded from the JPEG, Shot)."""
    c = condition or random_condition(rng)
    page = cv2.cvtColor(page_rgb, cv2.COLOR_RGB2BGR)
    if c.upside_down:
        page = cv2.rotate(page, cv2.ROTATE_180)
    ph, pw = page.shape[:2]
    portrait = ph > pw
    fw, fh = (1536, 2048) if portrait else (2048, 1536)
    scale = c.px_per_mm / PX_PER_MM
    scale = min(scale, 0.92 * fw / pw, 0.92 * fh / ph)
    w, h = pw * scale, ph * scale
    cx = fw / 2 + float(rng.uniform(-0.04, 0.04)) * fw
    cy = fh / 2 + float(rng.uniform(-0.04, 0.04)) * fh
    angle = math.radians(c.rotate_deg)
    base = np.array([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]], np.float32)
    rot = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]], np.float32)
    corners = base @ rot.T + np.array([cx, cy], np.float32)
    corners += rng.uniform(-c.perspective, c.perspective, (4, 2)).astype(np.float32) * np.array(
        [w, h], np.float32
    )
    src = np.array([[0, 0], [pw - 1, 0], [pw - 1, ph - 1], [0, ph - 1]], np.float32)
    matrix = cv2.getPerspectiveTransform(src, corners.astype(np.float32))
    frame = _table(c.table, fh, fw, rng)
    warped = cv2.warpPerspective(page, matrix, (fw, fh), flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.full((ph, pw), 255, np.uint8), matrix, (fw, fh), flags=cv2.INTER_LINEAR)
    alpha = (mask.astype(np.float32) / 255.0)[:, :, None]
    frame = warped.astype(np.float32) * alpha + frame * (1 - alpha)
    spoiled: set[str] = set()

    def paper_point(fx: float, fy: float) -> tuple[float, float]:
        pt = cv2.perspectiveTransform(np.array([[[fx * pw, fy * ph]]], np.float32), matrix)[0, 0]
        return float(pt[0]), float(pt[1])

    boxes = truth.boxes if truth else {}

    def covered(region: tuple[float, float, float, float]) -> set[str]:
        x0, y0, x1, y1 = region
        hit = set()
        for key, (bx0, by0, bx1, by1) in boxes.items():
            if c.upside_down:
                bx0, by0, bx1, by1 = pw - bx1, ph - by1, pw - bx0, ph - by0
            ix = max(0.0, min(bx1, x1 * pw) - max(bx0, x0 * pw))
            iy = max(0.0, min(by1, y1 * ph) - max(by0, y0 * ph))
            if ix * iy > 0.25 * (bx1 - bx0) * (by1 - by0):
                hit.add(key)
        return hit

    if c.occlude is not None:  # a finger or a phone over part of the paper
        x0, y0, x1, y1 = c.occlude
        pts = np.array(
            [paper_point(x0, y0), paper_point(x1, y0), paper_point(x1, y1), paper_point(x0, y1)], np.int32
        )
        cover = np.zeros((fh, fw), np.uint8)
        cv2.fillConvexPoly(cover, pts, 255)
        cover = cv2.GaussianBlur(cover, (31, 31), 0).astype(np.float32)[:, :, None] / 255.0
        skin = np.array([120, 150, 205], np.float32) * float(rng.uniform(0.7, 1.0))
        frame = frame * (1 - cover) + skin * cover
        spoiled |= covered(c.occlude)
    yy, xx = np.mgrid[0:fh, 0:fw].astype(np.float32)
    gdir = float(rng.uniform(0, 2 * math.pi))
    ramp = ((xx - fw / 2) * math.cos(gdir) + (yy - fh / 2) * math.sin(gdir)) / (0.5 * max(fw, fh))
    light = c.brightness * (1.0 - c.gradient * 0.5 * (1 + ramp))
    tint = np.array([float(rng.uniform(0.9, 1.0)), 1.0, float(rng.uniform(1.0, 1.08))], np.float32)
    frame = frame * light[:, :, None] * tint
    if c.glare > 0:
        gx, gy = paper_point(*c.glare_at)
        sx, sy = 0.18 * w * float(rng.uniform(0.6, 1.2)), 0.12 * h * float(rng.uniform(0.6, 1.2))
        spot = np.exp(-((xx - gx) ** 2 / (2 * sx**2) + (yy - gy) ** 2 / (2 * sy**2)))
        frame = frame + c.glare * 255 * spot[:, :, None]
        if c.glare > 1.2:  # blown out where the spot is strong
            fx, fy = c.glare_at
            rx, ry = 1.6 * sx / w, 1.6 * sy / h  # still +30 % of full white there
            spoiled |= covered((fx - rx, fy - ry, fx + rx, fy + ry))
    if c.brightness < 0.3 or c.blur_sigma > 3.0:
        spoiled |= set(boxes)
    if c.blur_sigma > 0:
        frame = cv2.GaussianBlur(frame, (0, 0), c.blur_sigma)
    if c.motion_px > 1:
        kernel = np.zeros((c.motion_px, c.motion_px), np.float32)
        kernel[c.motion_px // 2, :] = 1.0 / c.motion_px
        frame = cv2.filter2D(frame, -1, kernel)
    frame = frame + rng.normal(0, c.noise, frame.shape).astype(np.float32)
    frame = np.clip(frame, 0, 255).astype(np.uint8)
    ok, jpeg = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, int(c.jpeg_quality)])
    frame = cv2.imdecode(jpeg, cv2.IMREAD_COLOR)
    return frame, Shot(c, corners, spoiled)


def sample(
    rng: np.random.Generator,
    doc_type: str,
    *,
    people: dict[str, Person] | None = None,
    layout: str | None = None,
    bad: float = 0.12,
    condition: Condition | None = None,
) -> tuple[np.ndarray, Truth, Shot]:
    """One photograph of one paper with its truth: what the benchmark and the tests draw from."""
    page, truth = render_document(doc_type, rng, people, layout)
    frame, shot = photograph(page, rng, condition or random_condition(rng, bad=bad), truth)
    return frame, truth, shot
