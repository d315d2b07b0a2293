"""扫码: the front camera reads the resident's 辽事通 identity code, and the kiosk knows who they are.

Why this shape: frames are read and decoded by the scanner room's `ScannerWorker` on its own
thread (opening a USB camera alone can take a second), and each code it reports is verified on
that same thread (`sync.identity_code.read`, Ed25519 against the pinned platform key: well under
a millisecond), so the GUI thread only ever receives a finished `IdentityCode` or a typed error
through a queued signal. A verified code identifies the resident through `on_identified`, the
very path the 手动输入 screen uses, so 代办 (agent mode) and 查进度 work from the scan too.

The camera runs only while the scan screen shows (`follow_screen`); 返回, 首页, the wipe and
shutdown stop it, and every start gets a new generation number so a late frame or code from a
stopped camera is dropped. Nothing here logs the code, the name or the number.

`simulator` (the demo) plays a generated picture of a phone showing a fresh code for the demo
resident, issued when the scan starts with the demo reference platform's key, so a demo user who
taps 扫码 is identified like anyone else.
"""

from __future__ import annotations

import logging
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QImage

from devices.camera import SIMULATOR
from kiosk.ui.session import Person
from kiosk.ui.viewmodels.base import Notifying, prop
from kiosk.ui.viewmodels.camera import CameraImages, to_qimage

log = logging.getLogger(__name__)

PREVIEW_WIDTH = 960
PREVIEW_EVERY_S = 1 / 10
CAMERA_TITLE = "扫码摄像头暂时不能使用"
CAMERA_MESSAGE = "请把身份证放在读卡区，或点“改为手动输入”；也可以点“重新打开摄像头”再试。"
SUCCESS = "已识别。"

# What the screenshots and the accessibility walk show: every state the resident can meet, with
# the sync.identity_code error it shows (loaded with the first scan, not with the first screen).
SAMPLE_STATES: dict[str, str] = {
    "scanning": "", "not_identity": "NotIdentityCode", "damaged": "DamagedCode",
    "unverifiable": "Unverifiable", "expired": "ExpiredCode", "not_yet_valid": "NotYetValid",
    "bad_id": "BadIdNumber", "camera": "", "opening": "",
}


@dataclass(frozen=True)
class ReceiptCode:
    """A scanned receipt's QR code: the temporary reference it holds (checked, canonical)."""

    reference: str


def read_scanned(symbol, platform_key: Callable[[], bytes | None], now: Callable[[], float]) -> object:  # noqa: ANN001
    """What a scanned code is, for the camera and the scan engines alike (any thread, well under a
    millisecond): an `IdentityCode` verified against the pinned platform key, a `ReceiptCode` (a
    receipt's temporary reference, for 查进度), or the `IdentityCodeError` that says why not."""
    from sync import identity_code as codes
    from sync.local_reference import normalise

    try:
        key = platform_key()
    except Exception:  # noqa: BLE001 - the store failing to answer: cannot verify, say so
        log.exception("platform key unreadable")
        key = None
    try:
        return codes.read(symbol.raw, key, now())
    except codes.NotIdentityCode as exc:
        reference = normalise(symbol.text)        # the receipt's own code: 扫码查询办理进度
        return ReceiptCode(reference) if reference else exc
    except codes.IdentityCodeError as exc:
        return exc


class _PreviewSource:
    """Wraps the camera for the ScannerWorker: opens it on the worker thread at the first read,
    and hands a mirrored, scaled copy of a frame to `on_frame` up to ten times a second."""

    def __init__(self, open_camera: Callable[[], object], on_frame: Callable[[QImage], None]) -> None:
        self._open_camera = open_camera
        self._on_frame = on_frame
        self._camera = None
        self._last = 0.0

    def read(self):  # noqa: ANN201 - np.ndarray | None
        import cv2

        if self._camera is None:
            self._camera = self._open_camera()
        frame = self._camera.read()
        now = time.monotonic()
        if frame is not None and now - self._last >= PREVIEW_EVERY_S:
            self._last = now
            # A front camera's picture is shown as a mirror, so moving the phone left moves it left.
            self._on_frame(to_qimage(cv2.flip(frame, 1), PREVIEW_WIDTH))
        return frame

    def close(self) -> None:
        if self._camera is not None:
            self._camera.close()


class _Scan:
    """One camera session: a starter thread imports OpenCV and starts the ScannerWorker, so not
    even the first import happens on the GUI thread."""

    def __init__(self, source: _PreviewSource, on_code: Callable[[object], None],
                 on_error: Callable[[str], None]) -> None:
        self._source, self._on_code, self._on_error = source, on_code, on_error
        self._lock = threading.Lock()
        self._stopped = False
        self._worker = None
        self._thread = threading.Thread(target=self._start_worker, name="qr-scan-start", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _start_worker(self) -> None:
        try:
            from devices.scanner.worker import ScannerWorker

            worker = ScannerWorker(self._source, self._on_code, self._on_error)
        except Exception as exc:  # noqa: BLE001 - a broken camera stack is a state, not a crash
            self._on_error(f"扫码模块无法加载：{type(exc).__name__}")
            return
        with self._lock:
            if self._stopped:
                return
            self._worker = worker
            worker.start()

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            worker = self._worker
        if threading.current_thread() is not self._thread:
            self._thread.join(5)
        if worker is not None:
            worker.stop()


def camera_opener(spec: str, folder: Callable[[], Path], demo_code: Callable[[], str | None]):  # noqa: ANN201
    """How to open the configured QR camera (devices.camera.open_camera decides): the simulator
    plays the demo phone showing a fresh code from `demo_code`."""
    def open_qr_camera():  # noqa: ANN202 - a FrameSource; runs on the scanner thread
        from devices.camera import CameraError, open_camera
        from devices.camera.phone_scenes import write_phone_scenes

        def phone() -> list[Path]:
            text = demo_code()
            if text is None:
                raise CameraError("演示扫码：找不到演示平台的签名密钥")
            return write_phone_scenes(text, folder())

        return open_camera(spec, simulated_pictures=phone)
    return open_qr_camera


class ScanViewModel(Notifying):
    """The 扫码 screen: opening → scanning → identified, or a plain error with what to do next."""

    changed = Signal()
    _frameFromWorker = Signal(int, QImage)
    _resultFromWorker = Signal(int, object)
    _errorFromWorker = Signal(int, str)

    _PERSONAL = ("state", "errorTitle", "errorMessage", "frameSerial", "live")

    def __init__(self, spec: str, *, platform_key: Callable[[], bytes | None], now: Callable[[], float],
                 say: Callable[[str], None] = lambda text: None, prompt: Callable[[], str] = lambda: "",
                 demo_code: Callable[[], str | None] = lambda: None, allow_simulator: bool = False) -> None:
        super().__init__({"state": "off", "errorTitle": "", "errorMessage": "", "frameSerial": 0,
                          "live": False})
        self.images = CameraImages()
        self._spec = spec
        self._platform_key = platform_key
        self._now = now
        self._say = say
        self._prompt = prompt
        self._demo_code = demo_code
        self._allow_simulator = allow_simulator
        self._generation = 0
        self._scan: _Scan | None = None
        self._tmp: tempfile.TemporaryDirectory | None = None
        self._screen = ""
        self.on_identified: Callable[[Person], None] | None = None
        # A receipt's QR code (its temporary reference): True when it was taken (查进度 shows that
        # application), False when it means nothing here (applying: it is no identity).
        self.on_reference: Callable[[str], bool] | None = None
        self._frameFromWorker.connect(self._deliver_frame)
        self._resultFromWorker.connect(self._deliver_result)
        self._errorFromWorker.connect(self._deliver_error)

    state = prop(str, "state", changed)   # off | opening | scanning | error | camera | done
    errorTitle = prop(str, "errorTitle", changed)
    errorMessage = prop(str, "errorMessage", changed)
    frameSerial = prop(int, "frameSerial", changed)
    live = prop(bool, "live", changed)

    # --- the camera follows the screen ----------------------------------------------------------
    def follow_screen(self, screen_id: str) -> None:
        if screen_id == self._screen:
            return
        self._screen = screen_id
        if screen_id == "scan":
            self.start()
        else:
            self.stop()
            self._forget()

    def start(self) -> None:
        self.stop()
        self._generation += 1
        generation = self._generation
        self._set("errorTitle", "")
        self._set("errorMessage", "")
        self._set("state", "opening")
        if self._spec == SIMULATOR and not self._allow_simulator:   # a real station never simulates
            self._deliver_error(generation, "自助终端模式不能使用模拟扫码摄像头")
            return
        source = _PreviewSource(camera_opener(self._spec, self._folder, self._demo_code),
                                lambda image: self._frameFromWorker.emit(generation, image))
        self._scan = _Scan(source, lambda symbol: self._check(generation, symbol),
                           lambda message: self._errorFromWorker.emit(generation, message))
        self._scan.start()

    def stop(self) -> None:
        self._generation += 1           # anything still on its way from the old camera is dropped
        scan, self._scan = self._scan, None
        if scan is not None:
            scan.stop()
        self._set("live", False)
        if self._tmp is not None:       # the demo's picture of a code
            self._tmp.cleanup()
            self._tmp = None

    def _forget(self) -> None:
        self.images.clear()
        self._reset(self._PERSONAL)

    def _folder(self) -> Path:
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="kiosk-scan-")
        return Path(self._tmp.name)

    # --- on the scanner thread ------------------------------------------------------------------
    def _check(self, generation: int, symbol) -> None:  # noqa: ANN001 - devices.scanner.types.Symbol
        self._resultFromWorker.emit(generation, read_scanned(symbol, self._platform_key, self._now))

    # --- delivered on the GUI thread ------------------------------------------------------------
    def _deliver_frame(self, generation: int, image: QImage) -> None:
        if generation != self._generation:
            return
        self.images.put("live", image)
        self._set("live", True)
        if self._values["state"] == "opening":
            self._set("state", "scanning")
        self._set("frameSerial", self._values["frameSerial"] + 1)

    def _deliver_result(self, generation: int, result: object) -> None:
        from sync.identity_code import IdentityCodeError

        if generation != self._generation or self._values["state"] == "done":
            return
        if isinstance(result, ReceiptCode):
            if self.on_reference is not None and self.on_reference(result.reference):
                self.stop()
                self._set("state", "done")
                return
            from sync.identity_code import NotIdentityCode

            result = NotIdentityCode()                 # a receipt is no identity (it is for 查进度)
        if isinstance(result, IdentityCodeError):
            log.info("identity code refused: %s", type(result).__name__)
            self._show_error(result.title, result.message, "error")
            return
        self.stop()
        self._set("state", "done")
        if self.on_identified is not None:
            self.on_identified(Person(name=result.name, id_number=result.id_number, source="liaoshitong"))
        self._say(SUCCESS + self._prompt())
        log.info("identified by 辽事通 code (%s)", result.id_type)

    def _deliver_error(self, generation: int, message: str) -> None:
        if generation != self._generation:
            return
        log.warning("QR camera: %s", message)       # the device's words are for staff
        self.stop()
        self._show_error(CAMERA_TITLE, CAMERA_MESSAGE, "camera")

    def _show_error(self, title: str, message: str, state: str) -> None:
        self._set("errorTitle", title)
        self._set("errorMessage", message)
        self._set("state", state)
        self._say(f"{title}。{message}")

    def spoken_prompt(self) -> str:
        """Said after the scan screen's fixed prompt on 朗读: the problem on screen, if any."""
        if self._values["state"] in ("error", "camera"):
            return f"{self._values['errorTitle']}。{self._values['errorMessage']}"
        return ""

    # --- QML ------------------------------------------------------------------------------------
    @Slot()
    def retry(self) -> None:
        """再扫一次 / 重新打开摄像头: a fresh camera and a fresh memory of codes already seen."""
        self.start()

    def show_sample(self, state: str) -> None:
        """Screenshots and the accessibility walk: the screen in `state`, with a generated picture."""
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        from devices.camera.phone_scenes import phone_scene
        from sync import identity_code as codes

        self.stop()
        self._forget()
        self._screen = "scan"           # showing it next opens no camera
        if state in ("opening", "camera"):
            self._set("state", state)
            if state == "camera":
                self._set("errorTitle", CAMERA_TITLE)
                self._set("errorMessage", CAMERA_MESSAGE)
            return
        sample = codes.issue(Ed25519PrivateKey.generate(), "王喆", "11010519491231002X", time.time())
        self.images.put("live", to_qimage(phone_scene(sample)[:, ::-1].copy(), PREVIEW_WIDTH))
        self._set("frameSerial", self._values["frameSerial"] + 1)
        self._set("live", True)
        error = getattr(codes, SAMPLE_STATES.get(state) or "", None)
        self._set("state", "scanning" if error is None else "error")
        if error is not None:
            self._set("errorTitle", error.title)
            self._set("errorMessage", error.message)

    def wipe(self) -> None:
        # `_screen` stays: the shell's own reset notifies while its screen is still the one being
        # left, and the camera must not reopen for it; the switch to the attract screen follows.
        self.stop()
        self._forget()

    def shutdown(self) -> None:
        self.stop()


def demo_code_issuer(data_dir: Path) -> Callable[[], str | None]:
    """The demo resident's code (the sample card 王喆), signed when asked with the key of the demo's
    reference platform, which kiosk/station/composition.py keeps beside the kiosk's data
    (`<data_dir>-platform`). None when there is no such platform (not a demo)."""
    def issue_now() -> str | None:
        from devices.idcard.samples import sample_for
        from sync import identity_code as codes
        from sync.platform import demo_platform_dir, signing_key_path
        from sync.signing import load_or_create_signing_key

        key_file = signing_key_path(demo_platform_dir(data_dir))
        if not key_file.is_file():
            return None
        card = sample_for("resident")
        return codes.issue(load_or_create_signing_key(key_file), card.name, card.id_number, time.time())
    return issue_now
