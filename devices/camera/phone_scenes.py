"""Synthetic front-camera pictures of a phone showing a QR code, for the simulated QR camera.

Why generated: the demo's simulated camera must show a *fresh* 辽事通 code (it expires after a few
minutes), so the picture is drawn when the scan starts, from the code text; and no picture of a
code lives in the repository. The phone is drawn as a dark body with a white screen, held a
little turned in front of the kiosk, on the same table texture as the document camera's scenes.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from devices.camera.document_scenes import FRAME_SIZE, table_texture

MODULE_PX = 4          # a QR module on the phone screen, in frame pixels (a phone ~20 cm away)


def qr_matrix(text: str, module_px: int = MODULE_PX, border: int = 4) -> np.ndarray:
    """The QR code of `text` as a white image with black modules (uint8, one channel)."""
    import segno

    rows = np.array([list(row) for row in segno.make(text, error="m").matrix_iter(scale=1, border=border)],
                    np.uint8)
    image = np.where(rows > 0, 0, 255).astype(np.uint8)
    return cv2.resize(image, None, fx=module_px, fy=module_px, interpolation=cv2.INTER_NEAREST)


def phone(text: str) -> np.ndarray:
    """A phone (BGR) whose screen shows the app's blue header and the code on white."""
    code = qr_matrix(text)
    side = code.shape[0]
    screen_w, screen_h = side + 40, int(side * 1.75)
    body = np.full((screen_h + 90, screen_w + 36, 3), (46, 52, 64), np.uint8)
    cv2.rectangle(body, (18, 45), (18 + screen_w, 45 + screen_h), (250, 250, 250), -1)
    cv2.rectangle(body, (18, 45), (18 + screen_w, 45 + 70), (162, 78, 11), -1)      # the app's header
    top = 45 + 70 + (screen_h - 70 - side) // 3
    body[top:top + side, 38:38 + side] = code[..., None]
    cv2.rectangle(body, (60, top + side + 30), (18 + screen_w - 42, top + side + 52), (200, 200, 200), -1)
    return body


def phone_scene(text: str | None, angle: float = 6.0, seed: int = 5) -> np.ndarray:
    """One front-camera frame: the table, and (when `text` is given) the phone held up in it."""
    frame = table_texture(seed=seed)
    if text is None:
        return frame
    picture = phone(text)
    h, w = picture.shape[:2]
    width, height = FRAME_SIZE
    scale = min(1.0, (height - 40) / h)
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), angle, scale)
    turn[0, 2] += width / 2 - w / 2
    turn[1, 2] += height / 2 - h / 2
    mask = cv2.warpAffine(np.full((h, w), 255, np.uint8), turn, (width, height))
    warped = cv2.warpAffine(picture, turn, (width, height))
    frame[mask > 0] = warped[mask > 0]
    return cv2.GaussianBlur(frame, (3, 3), 0)


def write_phone_scenes(text: str, folder: Path) -> list[Path]:
    """The play list for the simulated camera: a second of empty table, then the phone."""
    folder.mkdir(parents=True, exist_ok=True)
    empty, held = folder / "table.png", folder / "phone.png"
    cv2.imwrite(str(empty), phone_scene(None))
    cv2.imwrite(str(held), phone_scene(text))
    return [empty, held, held, held]
