"""Guides people understand (issue 18): the 样表 printed on A4, and the 样例 photos (这样拍).

Plain Python, usable from the command line and from the kiosk's worker threads.

样表 on A4: the sample form (`forms.sample_form`, from the bundle's example answers) as a table on
the one A4 page renderer (`devices.printer.a4.render.NoticeRenderer`), with 样表 across the page,
through the station's A4 printer (`certificates.a4_printer_from_config`: a CUPS queue, or the PDF
folder of the demo). Staff print it for a resident who wants paper in hand.

样例 photos: every paper a resident may photograph gets an example of what a good photo looks like.
Generated, never shipped: no real person's paper may be kept, and a picture made from the catalogue
covers the materials of bundles written later too. Papers the pre-check knows
(`devices.precheck.materials`, or recognised by name: 身份证, 户口簿, 出生医学证明, 结婚证, 残疾人证,
营业执照) are drawn by its generator (`devices.precheck.synthetic`) with made-up people; any other
paper gets a clean sheet titled with its name. Each is photographed the way a good photo should be
— flat, square, well lit, on the camera's dark pad, all four corners in — and marked 样例.

Why generated at first use into a cache in the data folder, not at build time nor at start-up:
a photo takes 0.3–0.9 s to draw, a catalogue of 20+ bundles has ~100 papers (a minute of CPU),
and the catalogue changes by download (`platform publish-catalogue`) after the software was
built, so a build-time set would miss new papers; at start-up it would slow the first screen
(`benchmarks/startup.py`). So the kiosk asks for a bundle's photos when the resident opens it (on
a worker thread; the screen shows a quiet placeholder of the same size until they are ready) and
keeps them in `DATA_DIR/guides/`, keyed by what is drawn, so each is made once per station;
`catalogue photos --out DIR` makes them all ahead of time where staff prefer (a new installation).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from forms.catalogue import Bundle, Catalogue, Material
    from forms.sample_form import SampleForm

# Bump when the drawing changes: the cache key includes it, so old pictures are not shown.
PHOTO_VERSION = "4"
PHOTO_MAX_SIDE = 960          # px: as large as the enlarged view shows it on a 1080-wide screen
SAMPLE_LABEL = "样例"

# Papers the generator draws, recognised by their name when the pre-check table does not list
# the (bundle, material) — for bundles written after that table. First match wins.
NAMED_DOC_TYPES: tuple[tuple[str, str], ...] = (
    ("出生医学证明", "birth_cert"),
    ("结婚证", "marriage_cert"),
    ("残疾人证", "disability_cert"),
    ("营业执照", "business_license"),
    ("户口簿", "hukou"),
    ("身份证", "id_card_front"),
)


# ----------------------------------------------------------------------------------------- 样表
def sample_form_notice(form: SampleForm, issuer: str, *, today: date | None = None):  # noqa: ANN201 - Notice
    """The sample form as an A4 page: what it is for, the answers as a table, 样表 across it."""
    from devices.printer.a4.render import Notice
    from forms.workdays import chinese_date

    today = today or date.today()
    digest = hashlib.sha256(repr(form.lines()).encode("utf-8")).hexdigest()[:8].upper()
    paragraphs = [
        form.notice,
        f"本样表的情形：{form.story}。",
        "本次办理的事项：" + "、".join(form.items) + "。",
    ]
    if form.materials:
        paragraphs.append("需要准备的材料：" + "、".join(form.materials) + "（政府部门已有的不用交）。")
    return Notice(
        issuer=issuer,
        heading=issuer,
        title=f"{form.bundle_name} 填写样表",
        paragraphs=paragraphs,
        fields=form.lines(),
        date=chinese_date(today),
        doc_id=f"SAMPLE-{form.bundle_id}-{digest}",
        verify_prefix="KIOSK-SAMPLE",
        watermark="样表",
    )


def render_sample_form(bundle_id: str, issuer: str, *, catalogue: Catalogue | None = None,
                       renderer=None) -> bytes:  # noqa: ANN001 - NoticeRenderer (one per process)
    """The sample form of `bundle_id` as PDF bytes."""
    from devices.printer.a4.render import NoticeRenderer
    from forms.sample_form import sample_form

    renderer = renderer or NoticeRenderer()
    return renderer.render(sample_form_notice(sample_form(bundle_id, catalogue=catalogue), issuer))


@dataclass(frozen=True)
class SamplePrinted:
    message: str                # for the staff screen
    path: Path | None = None    # the PDF written, when the A4 "printer" is a folder


def print_sample_form(bundle_id: str, printer, issuer: str, *,  # noqa: ANN001 - an A4 printer
                      catalogue: Catalogue | None = None, renderer=None) -> SamplePrinted:  # noqa: ANN001
    """Render and print; blocks (call off the GUI thread). Raises `PrintError` with a Chinese
    message when the printer refuses or the job does not complete."""
    from devices.printer.a4 import PrintError

    pdf = render_sample_form(bundle_id, issuer, catalogue=catalogue, renderer=renderer)
    job = printer.submit(pdf, f"样表-{bundle_id}")
    outcome = printer.follow(job, timeout_s=60.0)
    if not outcome.done:
        raise PrintError(outcome.message or "样表没有打印出来，请检查 A4 打印机。")
    return SamplePrinted("样表已打印，请在 A4 打印机取走。", job.path)


# ------------------------------------------------------------------------------------ 样例 photos
def doc_type_for(bundle_id: str, material: Material) -> str | None:
    """What the generator should draw for this paper: the pre-check's type for it, else by name,
    else None (a generic sheet)."""
    from devices.precheck.materials import MATERIALS

    row = MATERIALS.get((bundle_id, material.id))
    if row is not None and row.doc_types:
        return row.doc_types[0]
    for word, doc_type in NAMED_DOC_TYPES:
        # "A 或 B" names two papers (the table above says which where it matters): a plain sheet
        if word in material.name and "或" not in material.name and not (
                doc_type == "id_card_front" and "号码" in material.name):
            return doc_type
    return None


def _card_like(name: str) -> bool:
    """A card photographed at card size (银行卡, 社会保障卡), not a page."""
    return name.endswith("卡") or "银行卡" in name


def portrait_like(name: str) -> bool:
    """A photo of a person (近期免冠证件照片, 1 寸彩色照片): its 样例 is a drawn head and
    shoulders, not a sheet of paper titled with the name (the newcomer saw a document for a 1 寸
    photo). A shop's photo (门店照片) is not one."""
    return "免冠" in name or "证件照" in name or ("寸" in name and "照" in name)


def photo_key(bundle_id: str, material: Material) -> str:
    """The cache file's name: what is drawn (type or name), never the bundle, so the same paper in
    two bundles is drawn once."""
    what = doc_type_for(bundle_id, material) or (
        f"portrait:{_portrait_background(material.name)}" if portrait_like(material.name)
        else f"sheet:{material.name}")
    return hashlib.sha256(f"{PHOTO_VERSION}|{what}".encode()).hexdigest()[:20]


def photo_path(cache_dir: Path, bundle_id: str, material: Material) -> Path:
    return Path(cache_dir) / f"{photo_key(bundle_id, material)}.jpg"


def photographed(bundle: Bundle) -> list[Material]:
    """The papers a resident may photograph: every material of the bundle (each card on the
    materials screen offers 拍照上传, an 电子材料 such as a photo for the social security card too)."""
    return list(bundle.materials)


def _generic_sheet(name: str):  # noqa: ANN202 - RGB numpy array
    """A clean paper titled with the material's name: lines standing for its text, a signature
    line and a seal, so a resident sees "a page, flat, whole" without a real paper's content."""
    import numpy as np

    from devices.precheck.synthetic import Page

    rng = np.random.default_rng(7)
    if _card_like(name):
        page = Page(85.6, 54.0, paper=(236, 242, 250))
        page.rect(0, 0, 85.6, 12, outline=(40, 90, 160), fill=(40, 90, 160))
        page.text(42.8, 3.0, name[:10], 5.5, "sans_bold", fill=(255, 255, 255), anchor="ma")
        page.text(6, 24, "6217 0000 0000 0000", 5.0, "sans_bold", fill=(60, 60, 60))
        page.text(6, 36, SAMPLE_LABEL, 5.0, "sans", fill=(120, 120, 120))
        return page.array()
    page = Page(210, 297, paper=(250, 250, 247))
    size = 9.0 if len(name) <= 14 else 7.0
    lines = [name[i:i + 20] for i in range(0, len(name), 20)]
    y = 30.0
    for line in lines:
        page.text(105, y, line, size, "serif_bold", anchor="ma")
        y += size + 4
    y += 10
    for n in range(14):
        width = 150 if n % 5 != 4 else float(rng.uniform(60, 120))
        page.rect(30, y, 30 + width, y + 2.2, outline=(170, 170, 170), fill=(170, 170, 170))
        y += 9
    y += 14
    page.text(110, y, "申请人（签字）：__________", 5.5, "serif")
    page.text(110, y + 12, "年    月    日", 5.5, "serif")
    page.seal(150, y + 4, 20, "样例专用章", rng)
    return page.array()


def _portrait_background(name: str) -> tuple[int, int, int]:
    """白底 when the paper asks for it, else the light blue most 证件照 are taken on."""
    return (255, 255, 255) if "白底" in name else (67, 142, 219)


def _portrait(name: str):  # noqa: ANN202 - RGB numpy array
    """A 1 寸 photo (25 × 35 mm) drawn as a silhouette: head and shoulders, centred, facing the
    camera, on a plain background, with no face at all — it shows the framing (head high in the
    picture, shoulders in, nothing behind), never a person."""
    import numpy as np
    from PIL import Image, ImageDraw

    w, h = 500, 700                                  # 20 px per mm
    background = _portrait_background(name)
    image = Image.new("RGB", (w, h), background)
    draw = ImageDraw.Draw(image)
    figure, hair = (92, 98, 112), (48, 50, 58)
    draw.ellipse((-40, 480, w + 40, h + 330), fill=figure)                 # shoulders
    draw.rectangle((w / 2 - 62, 390, w / 2 + 62, 520), fill=figure)        # neck
    draw.ellipse((w / 2 - 145, 95, w / 2 + 145, 390), fill=hair)           # hair, behind the head
    draw.ellipse((w / 2 - 128, 140, w / 2 + 128, 450), fill=figure)        # head
    frame = Image.new("RGB", (w + 40, h + 40), (250, 250, 247))            # the print's white edge
    frame.paste(image, (20, 20))
    return np.asarray(frame)


def _known_paper(doc_type: str):  # noqa: ANN202 - RGB numpy array
    """The generator's paper with made-up people (seeded: the same picture every time)."""
    import numpy as np

    from devices.precheck.synthetic import LAYOUTS, default_people, render_document

    rng = np.random.default_rng(20261)
    people = default_people(doc_type, rng, rare=0.0)
    page, _ = render_document(doc_type, rng, people, LAYOUTS[doc_type][0])
    return page


def render_example_photo(bundle_id: str, material: Material):  # noqa: ANN201 - BGR numpy array
    """The 样例 photo of one paper: drawn, laid on the camera's dark pad the way a good photo
    shows it (flat, square, evenly lit, all four corners in with a margin), marked 样例.

    Why not `synthetic.photograph`: it simulates a camera's faults at 2048 px (perspective, light
    fall-off, noise) for the pre-check's tests; a good photo has none of them, and drawing it
    directly at the size shown costs a tenth of the time."""
    import cv2
    import numpy as np

    doc_type = doc_type_for(bundle_id, material)
    if doc_type:
        page = _known_paper(doc_type)
    elif portrait_like(material.name):
        page = _portrait(material.name)
    else:
        page = _generic_sheet(material.name)
    ph, pw = page.shape[:2]
    long, short = PHOTO_MAX_SIDE, PHOTO_MAX_SIDE * 3 // 4
    fw, fh = (short, long) if ph > pw else (long, short)
    scale = 0.86 * min(fw / pw, fh / ph)            # the paper fills the frame, corners inside
    w, h = round(pw * scale), round(ph * scale)
    paper = cv2.cvtColor(cv2.resize(page, (w, h), interpolation=cv2.INTER_AREA), cv2.COLOR_RGB2BGR)
    rng = np.random.default_rng(3)
    frame = np.clip(rng.normal(44, 4, (fh, fw, 1)), 0, 255).astype(np.uint8).repeat(3, axis=2)
    x, y = (fw - w) // 2, (fh - h) // 2
    shadow = np.zeros((fh, fw), np.float32)
    shadow[y + 6:y + h + 6, x + 6:x + w + 6] = 1.0
    shadow = cv2.GaussianBlur(shadow, (0, 0), 6)[:, :, None]
    frame = (frame * (1 - 0.5 * shadow)).astype(np.uint8)
    frame[y:y + h, x:x + w] = paper
    return _mark(frame)


def _mark(frame):  # noqa: ANN001, ANN202 - BGR array in and out
    """样例 in a red band below the photo: plain to see, and nothing of the paper hidden under it."""
    import cv2
    import numpy as np
    from PIL import Image, ImageDraw

    from devices.precheck.synthetic import _font

    h, w = frame.shape[:2]
    band = max(48, h // 11)
    image = Image.new("RGB", (w, h + band), (200, 22, 29))
    image.paste(Image.fromarray(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)), (0, 0))
    draw = ImageDraw.Draw(image)
    font = _font("sans_bold", int(band * 0.56))
    # centred on the band by the glyphs' middle ("mm"): placed by their top-left, the CJK font's
    # ascent pushed the words' lower half off the bottom of the picture
    draw.text((w / 2, h + band / 2), f"{SAMPLE_LABEL} · 这样拍", font=font, fill=(255, 255, 255), anchor="mm")
    return cv2.cvtColor(np.asarray(image), cv2.COLOR_RGB2BGR)


def ensure_example_photo(cache_dir: Path, bundle_id: str, material: Material) -> Path:
    """The cached 样例 photo of this paper, drawn now if missing (written atomically: a kiosk and a
    `catalogue photos` run may draw the same one at once)."""
    import cv2

    path = photo_path(cache_dir, bundle_id, material)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    ok, jpeg = cv2.imencode(".jpg", render_example_photo(bundle_id, material), [cv2.IMWRITE_JPEG_QUALITY, 88])
    if not ok:
        raise OSError(5, "cannot encode the example photo")
    tmp = path.with_suffix(f".{os.getpid()}.part")
    tmp.write_bytes(jpeg.tobytes())
    os.replace(tmp, path)
    return path


def ensure_bundle_photos(cache_dir: Path, bundle: Bundle) -> dict[str, Path]:
    """Every 样例 photo of a bundle: material id → file."""
    return {m.id: ensure_example_photo(cache_dir, bundle.id, m) for m in photographed(bundle)}


def ensure_all_photos(cache_dir: Path, bundles: Iterable[Bundle]) -> int:
    """`catalogue photos`: every bundle's photos; returns how many files there are."""
    paths = set()
    for bundle in bundles:
        paths.update(ensure_bundle_photos(cache_dir, bundle).values())
    return len(paths)


def photo_cache_dir(data_dir: Path | str) -> Path:
    return Path(data_dir) / "guides" / "examples"
