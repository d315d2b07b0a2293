"""The commitment and the finger signature: strokes recorded here, the PNG rendered here.

Why strokes in Python rather than grabbing the QML canvas: the PNG that is kept with the
application must not depend on the screen's renderer or size, and an empty or accidental scribble
must be refused by a rule that a test can exercise. QML only reports finger positions (as shares
of the pad, 0…1) and draws what this view-model holds.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot

from kiosk.ui.background import Background, write_failure_message
from kiosk.ui.viewmodels.base import prop
from kiosk.ui.viewmodels.finger_pad import FingerPad

DECLARATION = "本人承诺：所填写的信息和提交的材料真实、准确、完整，如有不实，愿承担相应法律责任。"
PNG_WIDTH = 1200               # width of the stored signature image; its height follows the pad
MIN_SPAN = 0.18                # the signature must span this share of the pad's width or height
MIN_INK = 0.5                  # and its strokes together this many pad widths long
EMPTY_MESSAGE = "还没有签名。请用手指在框里写下您的名字。"
TINY_MESSAGE = "签名太小了，看不清。请点“重写”，在框里把名字写大一些。"
MISSING_MESSAGE = "还有材料没有处理，请先点“去处理材料”。"


def commitment_text(journey) -> str:  # noqa: ANN001 - kiosk.ui.journey.Journey
    """What the resident signs: the general declaration, then this application's promises."""
    form = journey.form
    promised = form.commitment() if form is not None else None
    if promised:
        return DECLARATION + "\n" + promised["text"]
    return DECLARATION


def undecided_materials(journey) -> list[str]:  # noqa: ANN001 - kiosk.ui.journey.Journey
    """Names of the papers still without a status. An answer changed on the review screen can
    bring in a paper after the materials screen was passed; it must be decided before signing."""
    form = journey.form
    return [line.name for line in form.materials() if not line.complete] if form is not None else []


def ink_length(strokes: list[list[float]]) -> float:
    total = 0.0
    for flat in strokes:
        for i in range(2, len(flat) - 1, 2):
            total += math.hypot(flat[i] - flat[i - 2], flat[i + 1] - flat[i - 1])
    return total


def check_signature(strokes: list[list[float]], aspect: float) -> str:
    """'' when the strokes look like a signature; otherwise the Chinese reason to write again.
    `aspect` is the pad's width / height, so the span is measured in the same units both ways."""
    points = [(flat[i], flat[i + 1]) for flat in strokes for i in range(0, len(flat) - 1, 2)]
    if len(points) < 2:
        return EMPTY_MESSAGE
    xs = [p[0] for p in points]
    ys = [p[1] / aspect for p in points]
    span = max(max(xs) - min(xs), max(ys) - min(ys))
    scaled = [[v if i % 2 == 0 else v / aspect for i, v in enumerate(flat)] for flat in strokes]
    if span < MIN_SPAN or ink_length(scaled) < MIN_INK:
        return TINY_MESSAGE
    return ""


def render_png(strokes: list[list[float]], aspect: float = 2.5, width: int = PNG_WIDTH) -> bytes:
    """Black strokes on white, anti-aliased, as PNG bytes, in the pad's proportions."""
    # Painting classes load here, at the first signature, not with the kiosk's first screen.
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen

    from kiosk.ui.png import png_bytes

    height = max(1, round(width / aspect))
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(QColor("black"), max(4.0, width / 120), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
               Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    for flat in strokes:
        if len(flat) < 2:
            continue
        path = QPainterPath(QPointF(flat[0] * width, flat[1] * height))
        if len(flat) == 2:
            path.lineTo(QPointF(flat[0] * width + 0.5, flat[1] * height))
        for i in range(2, len(flat) - 1, 2):
            path.lineTo(QPointF(flat[i] * width, flat[i + 1] * height))
        painter.drawPath(path)
    painter.end()
    # Grey, not colour: black ink on white needs no more, and the PNG encodes in half the time
    # (this runs between the tap on 确认签名 and the receipt screen) at half the size.
    return png_bytes(image.convertToFormat(QImage.Format.Format_Grayscale8))



class SignatureViewModel(FingerPad):
    """The sign screen: the text to sign (shown and read aloud), the strokes, 重写 and 确认签名."""

    changed = Signal()

    _PERSONAL = ("text", "error", "signed", "missing", "saving")

    def __init__(self, journey, say: Callable[[str], None],
                 parent: QObject | None = None) -> None:  # noqa: ANN001 - kiosk.ui.journey.Journey
        super().__init__({"text": "", "error": "", "signed": False, "missing": [], "saving": False}, parent)
        self._journey = journey
        self._say = say
        self._background = Background(self)
        self._save_serial = 0          # a save answered after 重写 or the wipe is ignored
        self._aspect = 2.5
        self.on_forward: Callable[[], None] | None = None
        self.on_materials: Callable[[], None] | None = None
        # 朗读承诺: the shell reads it and shows it is reading (kiosk.ui.app sets shell.readOut)
        self.read_out: Callable[[str], None] = say

    text = prop(str, "text", changed)
    missing = prop(list, "missing", changed)
    error = prop(str, "error", changed)
    signed = prop(bool, "signed", changed)
    saving = prop(bool, "saving", changed)     # 确认签名 tapped: the signature is being written

    def stroke_data(self) -> list[list[float]]:
        return [list(s) for s in self._strokes]

    @Slot()
    def prepare(self) -> None:
        """Entering the sign screen: this application's text, an empty pad."""
        self._set("text", commitment_text(self._journey))
        self._set("missing", undecided_materials(self._journey))
        self.clear()

    @Slot()
    def openMaterials(self) -> None:
        """去处理材料: back to the list; the way on passes this screen again."""
        if self.on_materials is not None:
            self.on_materials()

    def spoken_prompt(self) -> str:
        if self._values["missing"]:
            return "还有材料没有处理，请先点去处理材料。"
        return ("承诺内容是：" + self._values["text"]) if self._values["text"] else ""

    @Slot()
    def readAloud(self) -> None:
        self.read_out(self._values["text"])

    # --- the pad ------------------------------------------------------------------------------
    @Slot(float)
    def setAspect(self, aspect: float) -> None:
        if aspect > 0:
            self._aspect = aspect

    @Slot()
    def clear(self) -> None:
        """重写."""
        self._save_serial += 1
        self._set("saving", False)
        self._strokes = []
        self._set("error", "")
        self._set("signed", False)
        self.strokesChanged.emit()

    @Slot()
    def confirm(self) -> None:
        """确认签名: refuse an empty or tiny scribble; keep the PNG with the application."""
        self._set("missing", undecided_materials(self._journey))
        problem = MISSING_MESSAGE if self._values["missing"] else check_signature(self._strokes, self._aspect)
        if problem:
            self._set("error", problem)
            self._say(problem)
            return
        if self._values["saving"]:
            return
        # Drawn and written (encrypted, fsynced) on a worker thread — QPainter on a QImage is
        # thread-safe — and the journey moves on only once the signature is on disk.
        self._save_serial += 1
        serial, strokes, aspect = self._save_serial, self.stroke_data(), self._aspect
        self._set("saving", True)

        def work() -> tuple[bytes, str]:
            png = render_png(strokes, aspect)
            return png, self._journey.put_attachment(png)

        self._background.run(work, lambda result, error: self._stored(serial, result, error),
                             name="kiosk-signature-save")

    def _stored(self, serial: int, result: tuple[bytes, str] | None, error: BaseException | None) -> None:
        if serial != self._save_serial:
            return
        self._set("saving", False)
        if error is not None or result is None:
            message = write_failure_message("signature", error,
                                            "签名没有保存成功，请再点一次“确认签名”；仍不行请找工作人员")
            self._set("error", message)
            self._say(message)
            return
        self._journey.record_signature(*result)
        self._set("signed", True)
        if self.on_forward is not None:
            self.on_forward()

    def wipe(self) -> None:
        self._save_serial += 1
        self._strokes = []
        self._reset(self._PERSONAL)
        self.strokesChanged.emit()
