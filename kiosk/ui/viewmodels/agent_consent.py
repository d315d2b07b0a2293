"""The resident's consent to a proxy agent (代办员): the text, the signed document, the payload mark.

What `agent.authorisation` holds in the payload (PLATFORM-API.md: a string), chosen here:
- `resident_signature:<sha256>` — the resident signed on screen. The attachment is one PNG, the
  whole authorisation as a paper would have it: the consent text with both full names and ID
  numbers, the date, and the resident's finger signature under it. It is stored (encrypted) with
  `journey.put_attachment` and linked to the submission, so it is uploaded with it.
- `written_authorisation:<sha256>` — the resident brought a written 委托书; the attachment is its
  photograph from the document camera (the capture screen's JPEG).
The sha256 is that of the attachment's bytes, the same name the store and the platform use, so
`authorisation_attachments(payload)` can list it for `Store.submit(attachments=…)`.

The screen shows names masked (张*明); the stored document has them in full.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Slot

from devices.idcard.card import mask_name
from kiosk.ui.session import Person
from kiosk.ui.viewmodels.signature import SignatureViewModel, check_signature, render_png

AUTHORISATION_MATERIAL = "agent_authorisation"     # the capture screen's id for the written 委托书
SIGNED, WRITTEN = "resident_signature", "written_authorisation"
CONSENT = ("本人{resident}委托代办员{agent}代为办理本次政务服务事项：在自助终端填写申请、提交材料、"
           "签署承诺。代办员所办内容视为本人的意思，本人对申请内容的真实性负责。")
SPOKEN = ("请被代办人确认：您委托这位代办员代为办理本次政务服务事项，包括填写申请、提交材料和签署承诺。"
          "同意的话，请您本人用手指在框里签名；已经写好书面委托书的，可以点拍摄书面委托书。")


def consent_text(resident: Person, agent: Person, masked: bool = True) -> str:
    show = mask_name if masked else (lambda name: name)
    return CONSENT.format(resident=show(resident.name), agent=show(agent.name))


def authorisation(kind: str, sha256: str) -> str:
    return f"{kind}:{sha256}"


def authorisation_attachments(payload: dict) -> list[str]:
    """The attachment an agent's authorisation names, for the store to link and upload."""
    agent = payload.get("agent") or {}
    kind, _, sha = str(agent.get("authorisation") or "").partition(":")
    return [sha] if kind in (SIGNED, WRITTEN) and len(sha) == 64 else []


def authorisation_png(resident: Person, agent: Person, signature_png: bytes,
                      when: dt.datetime | None = None) -> bytes:
    """The signed authorisation as one A5-like page (PNG): title, text, both parties, date, signature."""
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPainter

    from kiosk.ui.png import png_bytes

    when = when or dt.datetime.now()
    width, height, margin = 1240, 1000, 80
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QColor("black"))
    painter.setFont(QFont("Noto Sans CJK SC", 26, QFont.Weight.Bold))
    painter.drawText(QRect(0, 50, width, 60), Qt.AlignmentFlag.AlignHCenter, "授权委托（代办）")
    painter.setFont(QFont("Noto Sans CJK SC", 16))
    lines = [f"委托人（被代办人）：{resident.name}　证件号码：{resident.id_number}",
             f"受托人（代办员）：{agent.name}　证件号码：{agent.id_number}",
             consent_text(resident, agent, masked=False),
             f"日期：{when.year}年{when.month}月{when.day}日 {when:%H:%M}　委托人签名："]
    y = 150
    flags = int(Qt.AlignmentFlag.AlignLeft) | int(Qt.TextFlag.TextWordWrap)
    for line in lines:
        box = painter.boundingRect(QRect(margin, y, width - 2 * margin, 400), flags, line)
        painter.drawText(box, flags, line)
        y = box.bottom() + 24
    signature = QImage.fromData(signature_png)
    room = QRect(margin, y, width - 2 * margin, height - y - 40)
    scaled = signature.scaled(room.size(), Qt.AspectRatioMode.KeepAspectRatio,
                              Qt.TransformationMode.SmoothTransformation)
    painter.drawImage(room.x(), room.y(), scaled)
    painter.end()
    return png_bytes(image)


class ConsentPadViewModel(SignatureViewModel):
    """The consent screen's signature pad: the same strokes, checks and PNG as the sign screen,
    but the signature goes to `on_signed(png)` (the agent view-model), not to the application."""

    def __init__(self, say, parent=None) -> None:  # noqa: ANN001
        super().__init__(None, say, parent)
        self.on_signed = None

    def show(self, text: str) -> None:
        """A new consent to sign: its text on screen, an empty pad."""
        self._set("text", text)
        self._set("missing", [])
        self.clear()

    @Slot()
    def prepare(self) -> None:  # the sign screen's hook: nothing to fetch from a form here
        pass

    def spoken_prompt(self) -> str:
        return SPOKEN

    @Slot()
    def readAloud(self) -> None:  # noqa: N802 - a slot of the base class
        self.read_out(SPOKEN)

    def refuse(self, message: str) -> None:
        """The signed consent could not be kept (a full disk): say so; the strokes stay on the pad."""
        self._set("signed", False)
        self._set("error", message)
        self._say(message)

    @Slot()
    def confirm(self) -> None:
        problem = check_signature(self._strokes, self._aspect)
        if problem:
            self._set("error", problem)
            self._say(problem)
            return
        self._set("signed", True)
        if self.on_signed is not None:
            self.on_signed(render_png(self._strokes, self._aspect))
