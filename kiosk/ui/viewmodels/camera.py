"""The document camera as QML sees it: a live picture, live advice, 拍照, and 重拍 / 用这张.

The camera itself runs on devices.camera's worker thread (`CameraWorker`: frames, advice, the
capture); this view-model turns its callbacks into queued Qt signals, converting pictures to
QImages on that thread, so QML only ever sees finished QImages (served by `CameraImages` as
image://camera/live/N and image://camera/page/N) and short Chinese sentences.

What the resident sees is what is true: each live picture arrives with the advice made from that
very frame (one signal, so 位置合适 never shows over a picture it was not made from); 拍照 asks the
worker for the frame on screen, by its number; a shot in which no paper was found is refused with
one spoken sentence, and 用这张 takes only a shot with a document.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Property, QObject, QSize, Signal, Slot
from PySide6.QtGui import QImage
from PySide6.QtQuick import QQuickImageProvider

from devices.camera.document_worker import ADVICE_READY, NO_DOCUMENT, CameraWorker, Shot
from kiosk.ui.background import Background, write_failure_message
from kiosk.ui.viewmodels.base import Notifying, prop

if TYPE_CHECKING:  # OpenCV and numpy load with the first frame, not with the kiosk's first screen
    import numpy as np

log = logging.getLogger(__name__)

CAMERA_OPENING = "摄像头正在打开，看到画面后再点拍照。"
CAMERA_TROUBLE = "摄像头暂时不能使用。可以点“不拍了，返回”选择其他办法，或者请工作人员帮忙"
PREVIEW_WIDTH = 960        # live picture width sent to the screen
PAGE_SIZE = (900, 1100)    # the captured page as the review shows it


def to_qimage(frame: np.ndarray, max_width: int, max_height: int | None = None) -> QImage:
    """A BGR frame scaled down to fit, as a QImage that owns its pixels (safe across threads)."""
    import cv2
    import numpy as np

    h, w = frame.shape[:2]
    scale = min(1.0, max_width / w, (max_height or h) / h)
    if scale < 1.0:
        frame = cv2.resize(frame, (max(1, int(w * scale)), max(1, int(h * scale))),
                           interpolation=cv2.INTER_AREA)
    rgb = np.ascontiguousarray(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
    h, w = rgb.shape[:2]
    return QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


@dataclass(frozen=True)
class ShownShot:
    """A Shot (devices.camera.document_worker) with its page as the QImage the review shows."""

    jpeg: bytes | None
    page: QImage | None
    advice: str
    document: bool = False      # paper was found in the frame (the only kind 用这张 takes)
    number: int = 0             # the shown frame it was made from

    @classmethod
    def of(cls, shot: Shot) -> ShownShot:
        """Made on the camera's thread: the conversion is work the GUI thread should not do."""
        page = to_qimage(shot.page, *PAGE_SIZE) if shot.page is not None else None
        return cls(shot.jpeg, page, shot.advice, shot.document, shot.number)


class CameraImages(QQuickImageProvider):
    """Serves the latest live picture and the captured page to QML (image://camera/…)."""

    def __init__(self) -> None:
        super().__init__(QQuickImageProvider.ImageType.Image)
        self._lock = threading.Lock()
        self._images: dict[str, QImage] = {}

    def put(self, name: str, image: QImage | None) -> None:
        with self._lock:
            if image is None:
                self._images.pop(name, None)
            else:
                self._images[name] = image

    def clear(self) -> None:
        with self._lock:
            self._images.clear()

    def requestImage(self, image_id: str, size: QSize, requested: QSize) -> QImage:  # noqa: N802
        with self._lock:
            image = self._images.get(image_id.split("/", 1)[0])
        if image is None:
            image = QImage(16, 9, QImage.Format.Format_RGB888)
            image.fill(0x2B2B2B)
        return image


def source_opener(spec: str, kind: str, folder: Callable[[], Path], fps: float = 10.0):  # noqa: ANN201
    """How to open the configured document camera (devices.camera.open_camera decides): the
    simulator plays generated photographs of a `kind` paper ("page" or "card")."""
    def open_source():  # noqa: ANN202 - a FrameSource; runs on the camera's worker thread
        from devices.camera import open_camera
        from devices.camera.document_scenes import write_scenes

        return open_camera(spec, simulated_pictures=lambda: write_scenes(kind, folder() / kind), fps=fps)
    return open_source


class CameraViewModel(Notifying):
    """One material, page by page: live view → 拍照 → 重拍 / 用这张 → next page or done."""

    changed = Signal()
    # Each carries the worker's number: a stopped worker's last frame, still queued, is dropped.
    # A frame comes with its number and the advice made from it (worker, frame, picture, advice, ok).
    _frameFromWorker = Signal(int, int, QImage, str, bool)
    _shotFromWorker = Signal(int, object)
    _errorFromWorker = Signal(int, str)

    _PERSONAL = ("materialName", "pageLabel", "stage", "page", "pageCount", "guidance", "guidanceOk", "error",
                 "shotAdvice", "frameSerial", "pageSerial", "live", "saving", "saveError")

    def __init__(self, spec: str, put_attachment: Callable[[bytes], str], *, sim_fps: float = 10.0,
                 say: Callable[[str], None] = lambda text: None, parent: QObject | None = None) -> None:
        super().__init__({"materialName": "", "pageLabel": "", "stage": "live", "page": 1, "pageCount": 1,
                          "guidance": "", "guidanceOk": False, "error": "", "shotAdvice": "",
                          "frameSerial": 0, "pageSerial": 0, "live": False, "pictureShown": False,
                          "saving": False, "saveError": ""}, parent)
        self.images = CameraImages()
        self._spec = spec
        self._sim_fps = sim_fps
        self._put_attachment = put_attachment
        self._say = say
        self._background = Background(self)
        self._save_serial = 0                         # a save answered after 重拍/不拍了/wipe is ignored
        self._tmp: tempfile.TemporaryDirectory | None = None
        self._worker: CameraWorker | None = None
        self._stopping: CameraWorker | None = None    # stopped, maybe still closing the camera
        self._serial = 0                              # the current worker's number
        self._material_id = ""
        self._preset_name = "a4"
        self._shot: ShownShot | None = None
        self._shown = 0                               # the worker's number of the frame on screen
        self._pages: list[str] = []
        self._labels: list[str] = [""]
        self.on_done: Callable[[str, list[str]], None] | None = None
        self.on_cancel: Callable[[], None] | None = None
        # A page shown for review (material, JPEG) — the pre-check reads it — and leaving it.
        self.on_review: Callable[[str, bytes], None] = lambda material_id, jpeg: None
        self.on_review_left: Callable[[], None] = lambda: None
        self._frameFromWorker.connect(self._deliver_frame)
        self._shotFromWorker.connect(self._deliver_shot)
        self._errorFromWorker.connect(self._deliver_error)

    materialName = prop(str, "materialName", changed)
    stage = prop(str, "stage", changed)            # live | working | review
    page = prop(int, "page", changed)
    pageCount = prop(int, "pageCount", changed)
    pageLabel = prop(str, "pageLabel", changed)    # which side or page this is (人像面 …)
    guidance = prop(str, "guidance", changed)
    guidanceOk = prop(bool, "guidanceOk", changed)
    error = prop(str, "error", changed)
    shotAdvice = prop(str, "shotAdvice", changed)
    frameSerial = prop(int, "frameSerial", changed)
    pageSerial = prop(int, "pageSerial", changed)
    live = prop(bool, "live", changed)
    pictureShown = prop(bool, "pictureShown", changed)   # a picture is on screen: 拍照 has a frame
    saving = prop(bool, "saving", changed)          # 用这张 tapped: the page is being written
    saveError = prop(str, "saveError", changed)     # the store refused it (a full disk): what to do


    @Property(bool, notify=changed)
    def canUse(self) -> bool:
        return self._shot is not None and self._shot.document

    # --- the materials screen starts a capture ---------------------------------------------------
    def begin(self, material_id: str, name: str, pages: list[str], preset_name: str) -> None:
        """Photograph `name` page by page; `pages` says what each page is ('' when plain)."""
        self.stop()
        self._reset(self._PERSONAL)
        self.images.clear()
        self._material_id = material_id
        self._preset_name = preset_name
        self._pages = []
        self._shot = None
        self._set("materialName", name)
        self._labels = list(pages) or [""]
        self._set("pageCount", len(self._labels))
        self._set("pageLabel", self._labels[0])
        self._set("guidance", "正在打开摄像头…")
        self.start()

    def start(self) -> None:
        """Open the camera on the worker thread (opening a USB camera can take a second)."""
        from devices.capture.presets import preset

        if self._worker is not None:
            return
        kind = "card" if self._preset_name.startswith("idcard") else "page"
        self._serial += 1
        self._shown = 0
        self._set("pictureShown", False)
        serial = self._serial
        worker = CameraWorker(source_opener(self._spec, kind, self._folder, self._sim_fps),
                              preset(self._preset_name),
                              on_frame=lambda number, frame, advice, ok: self._frameFromWorker.emit(
                                  serial, number, to_qimage(frame, PREVIEW_WIDTH), advice, ok),
                              on_shot=lambda shot: self._shotFromWorker.emit(serial, ShownShot.of(shot)),
                              on_error=lambda message: self._errorFromWorker.emit(serial, message),
                              after=self._stopping)
        self._stopping = None
        self._worker = worker
        self._set("error", "")
        self._set("live", True)
        worker.start()

    def stop(self) -> None:
        """Stop the camera without waiting on the GUI thread (joining took 30–50 ms of the
        capture → materials transition); the next start, or shutdown, waits for it instead."""
        if self._worker is not None:
            self._worker.stop(wait=False)
            self._stopping, self._worker = self._worker, None
        self._set("live", False)
        self._set("pictureShown", False)

    def spoken_prompt(self) -> str:
        if not self._values["materialName"]:
            return ""
        label = self._values["pageLabel"]
        return (f"现在拍：{self._values['materialName']}，第{self._values['page']}页"
                f"{('，' + label) if label else ''}。")

    def follow_screen(self, screen_id: str) -> None:
        """The camera runs only while its screen shows (返回, 首页 or the wipe stop it)."""
        if screen_id != "capture" and self._worker is not None:
            self.stop()

    def _folder(self) -> Path:
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="kiosk-camera-")
        return Path(self._tmp.name)

    # --- QML ------------------------------------------------------------------------------------
    @Slot()
    def takePhoto(self) -> None:
        """拍照: the frame on screen (by its number) is the shot; nothing before one is shown."""
        if self._worker is None or self._values["stage"] != "live":
            return
        if not self._shown:                # the camera is still opening: said, never ignored
            self._set("shotAdvice", CAMERA_OPENING)
            self._say(CAMERA_OPENING)
            return
        self._set("stage", "working")
        self._set("shotAdvice", "")
        self._worker.request_capture(self._shown)

    @Slot()
    def retake(self) -> None:
        self.on_review_left()
        self._save_serial += 1
        self._set("saving", False)
        self._set("saveError", "")
        self._shot = None
        self.images.put("page", None)
        self._set("shotAdvice", "")
        self._set("stage", "live")

    @Slot()
    def usePhoto(self) -> None:
        """用这张: the page is written to the encrypted store (durable, fsynced) on a worker thread;
        the next page or the materials list follows only once it is on disk."""
        if self._values["saving"]:
            return
        if self._shot is None or not self._shot.document:      # a photo of nothing is never kept
            self._set("saveError", NO_DOCUMENT)
            self._say(NO_DOCUMENT)
            return
        self._save_serial += 1
        serial, jpeg = self._save_serial, self._shot.jpeg
        self._set("saving", True)
        self._set("saveError", "")
        self._background.run(lambda: self._put_attachment(jpeg),
                             lambda sha, error: self._page_stored(serial, sha, error),
                             name="kiosk-photo-save")

    def _page_stored(self, serial: int, sha: str | None, error: BaseException | None) -> None:
        if serial != self._save_serial:
            return                      # 重拍 or the wipe came first: nothing to continue
        self._set("saving", False)
        if self._shot is None:
            return                      # 不拍了 came first
        if error is not None or not sha:
            message = write_failure_message("photo", error,
                                            "这一页没有保存成功，请点“用这张”再试一次；仍不行请找工作人员")
            self._set("saveError", message)
            self._say(message)
            return
        self._pages.append(sha)
        self._shot = None
        self.on_review_left()
        self.images.put("page", None)
        if len(self._pages) < self._values["pageCount"]:
            self._set("page", len(self._pages) + 1)
            self._set("pageLabel", self._labels[len(self._pages)])
            self._set("stage", "live")
            label = self._labels[len(self._pages)]
            self._say(f"好的。请放上第{len(self._pages) + 1}页{label}，然后点击拍照。")
            return
        self.stop()
        material_id, pages = self._material_id, list(self._pages)
        self._pages = []
        if self.on_done is not None:
            self.on_done(material_id, pages)

    @Slot()
    def cancel(self) -> None:
        """不拍了: back to the list; pages taken so far are dropped."""
        self.on_review_left()
        self.stop()
        self._pages = []
        self._shot = None
        self.images.clear()
        if self.on_cancel is not None:
            self.on_cancel()

    # --- worker callbacks, delivered on the GUI thread --------------------------------------------
    def _current(self, serial: int) -> bool:
        return self._worker is not None and serial == self._serial

    def _deliver_frame(self, serial: int, number: int, image: QImage, advice: str, ok: bool) -> None:
        """A picture and the advice made from it, together (the hint follows the frame shown)."""
        if not self._current(serial):
            return
        self.images.put("live", image)
        self._shown = number
        self._set("pictureShown", True)
        self._worker.shown(number)
        self._set("guidance", advice)
        self._set("guidanceOk", ok)
        if (ok and self._values["stage"] == "live") or self._values["shotAdvice"] == CAMERA_OPENING:
            self._set("shotAdvice", "")         # a refused 拍照's sentence, once the paper lies well
        self._set("frameSerial", self._values["frameSerial"] + 1)

    def _deliver_shot(self, serial: int, shot: ShownShot) -> None:
        if not self._current(serial) or self._values["stage"] != "working":
            return
        if not shot.document:           # no paper in the frame shown: refused, said, nothing kept
            self._set("shotAdvice", shot.advice)
            self._set("stage", "live")
            self._say(shot.advice)
            return
        self._shot = shot
        self.images.put("page", shot.page)
        self._set("shotAdvice", shot.advice)
        self._set("pageSerial", self._values["pageSerial"] + 1)
        self._set("stage", "review")
        self._say("拍好了。请看看是否清楚：清楚就点用这张，不清楚就点重拍。"
                  + (shot.advice + "。" if shot.advice else ""))
        if shot.jpeg:
            self.on_review(self._material_id, shot.jpeg)

    def _deliver_error(self, serial: int, message: str) -> None:
        # The device's own words (which camera, what to check) are for staff: logged, and the
        # resident is told plainly what they can do instead.
        if serial != self._serial:
            return
        log.warning("document camera: %s", message)
        self._stopping, self._worker = self._worker, None
        self._set("live", False)
        self._set("pictureShown", False)
        self._set("stage", "live")
        self._set("error", CAMERA_TROUBLE)
        self._say(CAMERA_TROUBLE)

    @Slot()
    def retry(self) -> None:
        """重新打开摄像头, after a problem."""
        self._set("guidance", "正在打开摄像头…")
        self._set("guidanceOk", False)
        self.start()

    def show_sample(self, name: str, advice_scene: int = 0) -> None:
        """Screenshots only: a synthetic frame and its advice, computed here and now; scene -1 is
        the bare desk after a refused 拍照."""
        from devices.camera.document_scenes import empty_table, scenes
        from devices.capture.pipeline import check
        from devices.capture.presets import preset

        frame = empty_table() if advice_scene < 0 else scenes("page")[advice_scene]
        self._set("shotAdvice", NO_DOCUMENT if advice_scene < 0 else "")
        _, _, quality = check(frame, preset("a4"))
        self._set("materialName", name)
        self._set("pageCount", 1 if advice_scene < 0 else 2)
        self._set("pageLabel", "" if advice_scene < 0 else "户主页")
        self.images.put("live", to_qimage(frame, PREVIEW_WIDTH))
        self._set("frameSerial", self._values["frameSerial"] + 1)
        self._set("guidance", quality.advice[0] if quality.advice else ADVICE_READY)
        self._set("guidanceOk", quality.ok)
        self._set("live", True)
        self._set("pictureShown", True)

    def show_sample_review(self, name: str, kind: str = "card", frame=None, material_id: str = "") -> None:  # noqa: ANN001
        """Screenshots only: the 用这张 / 重拍 review of a real capture of a generated photo (an ID
        card by default: the widest page, the hardest to fit a tall screen), or of `frame`; the
        pre-check reads it as after a real 拍照 (`on_review`)."""
        from devices.camera.document_scenes import scenes
        from devices.capture.pipeline import capture
        from devices.capture.presets import preset

        result = capture(scenes(kind)[1] if frame is None else frame,
                         preset("idcard_front" if kind == "card" else "a4"))
        self._material_id = material_id
        self._set("materialName", name)
        self._set("pageCount", 2 if kind == "card" else 1)
        self._set("pageLabel", "人像面" if kind == "card" else "")
        self._shot = ShownShot.of(Shot(result.jpeg, result.page,
                                       result.quality.advice[0] if result.quality.advice else ""))
        self.images.put("page", self._shot.page)
        self._set("shotAdvice", self._shot.advice)
        self._set("pageSerial", self._values["pageSerial"] + 1)
        self._set("stage", "review")
        if material_id and result.jpeg:
            self.on_review(material_id, result.jpeg)

    def wipe(self) -> None:
        self.stop()
        self._save_serial += 1
        self._shot = None
        self._pages = []
        self._material_id = ""
        self.images.clear()
        self._reset(self._PERSONAL)

    def shutdown(self) -> None:
        self.stop()
        if self._stopping is not None:
            self._stopping.join()
            self._stopping = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
