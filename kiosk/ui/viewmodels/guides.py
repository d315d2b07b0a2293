"""Guides people understand, as QML sees them: the 样表 page, the 样例 photos (这样拍) on the
materials and capture screens, and the short narrated guide (看视频).

Why the content is not made here: the sample form comes from `forms.sample_form` (the bundle's
example answers), the photos from `kiosk.station.guides` (drawn once per station into the data
folder), the guide's slides from `kiosk.ui.guide_video` (the real screens with their spoken
prompts). This view-model only loads them — photos and slides on worker threads or a child
process, never on the GUI thread — and plays the slides.

Nothing here is personal (sample data only), but the bundle shown is the resident's choice, so
it is wiped with the session like everything else.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, QUrl, Signal, Slot

from kiosk.ui.background import Background
from kiosk.ui.viewmodels.base import Notifying, prop

log = logging.getLogger(__name__)

# Seconds a slide stays when its caption is read: espeak-ng's Mandarin at the kiosk's rate says
# about 2.3 characters a second (measured: 28 characters, 12.1 s); a slide is never shorter than
# the time to look at the picture. Playing, the next slide also waits for the voice to finish.
SECONDS_PER_CHAR = 0.43
MIN_SLIDE_S = 4.0


def slide_seconds(caption: str) -> float:
    return max(MIN_SLIDE_S, SECONDS_PER_CHAR * len(caption))


class GuidesViewModel(Notifying):
    """样表, 样例 and 看视频 for the bundle being applied for."""

    changed = Signal()

    _PERSONAL = ("bundleId", "bundleName", "sampleStory", "samplePages", "photos", "photosPending",
                 "captureMaterial",
                 "enlarged", "enlargedName", "guideState", "guideSlides", "guideIndex", "guidePlaying",
                 "sampleItems", "sampleMaterials")

    def __init__(self, journey, *, photo_dir: Callable[[], Path], guide_dir: Callable[[], Path],  # noqa: ANN001
                 go: Callable[[str], None], back: Callable[[], None], say: Callable[[str], None],
                 stop_voice: Callable[[], None], voice_busy: Callable[[], bool] = lambda: False,
                 guide_size: tuple[int, int] = (1080, 1920),
                 parent: QObject | None = None) -> None:
        super().__init__({
            "bundleId": "", "bundleName": "", "sampleStory": "", "samplePages": [], "sampleNotice": "",
            "sampleItems": "", "sampleMaterials": "",
            "photos": {}, "photosPending": False, "captureMaterial": "", "enlarged": "", "enlargedName": "",
            # the guide: idle (nothing asked yet) → preparing (made in a child process) → ready | failed
            "guideState": "idle", "guideSlides": [], "guideIndex": 0, "guidePlaying": False,
        }, parent)
        self._journey = journey
        self._photo_dir = photo_dir
        self._guide_dir = guide_dir
        self._go = go
        self._back = back
        self._say = say
        self._stop_voice = stop_voice
        self._voice_busy = voice_busy
        self._guide_size = guide_size
        self._background = Background(self)
        self._serial = 0            # a result for a bundle no longer shown is dropped
        self._process: subprocess.Popen | None = None
        self._ended = False         # the guide played to its end (播放 then starts again)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._advance)

    bundleId = prop(str, "bundleId", changed)
    bundleName = prop(str, "bundleName", changed)
    sampleStory = prop(str, "sampleStory", changed)
    samplePages = prop(list, "samplePages", changed)
    sampleNotice = prop(str, "sampleNotice", changed)
    sampleItems = prop(str, "sampleItems", changed)
    sampleMaterials = prop(str, "sampleMaterials", changed)
    photos = prop("QVariantMap", "photos", changed)          # material id → file URL of its 样例
    photosPending = prop(bool, "photosPending", changed)     # being drawn (the box says 样例准备中)
    captureMaterial = prop(str, "captureMaterial", changed)
    enlarged = prop(str, "enlarged", changed)                # the 样例 shown large ("" : none)
    enlargedName = prop(str, "enlargedName", changed)
    guideState = prop(str, "guideState", changed)
    guideSlides = prop(list, "guideSlides", changed)
    guideIndex = prop(int, "guideIndex", changed)
    guidePlaying = prop(bool, "guidePlaying", changed)

    # --- the bundle ---------------------------------------------------------------------------
    def prepare(self) -> None:
        """办理须知 is about to show a bundle: start drawing its 样例 photos (once per station) and
        look for its guide; nothing waits for either."""
        bundle = self._journey.bundle
        if bundle is None or bundle.id == self._values["bundleId"]:
            return
        self._serial += 1
        serial = self._serial
        self._set("bundleId", bundle.id)
        self._set("bundleName", bundle.name)
        self._set("photos", {})
        self._set("photosPending", True)
        self._set("guideState", "idle")
        self._set("guideSlides", [])
        photo_dir = self._photo_dir()

        def draw() -> dict[str, str]:
            from kiosk.station.guides import ensure_example_photo, photo_path, photographed

            urls: dict[str, str] = {}
            for material in photographed(bundle):
                path = photo_path(photo_dir, bundle.id, material)
                try:
                    path = ensure_example_photo(photo_dir, bundle.id, material)
                except OSError as exc:          # a full disk: the screen simply shows no example
                    log.warning("example photo not drawn: %s", exc.strerror or exc)
                    continue
                urls[material.id] = QUrl.fromLocalFile(str(path)).toString()
            return urls

        self._background.run(draw, lambda urls, error: self._photos_drawn(serial, urls, error),
                             "kiosk-example-photos")
        self._load_guide(serial)

    def _photos_drawn(self, serial: int, urls: dict | None, error: BaseException | None) -> None:
        if serial != self._serial:
            return
        self._set("photosPending", False)
        if error is not None:
            log.warning("example photos not drawn: %s", type(error).__name__)
            return
        self._set("photos", dict(urls or {}))

    def set_photos(self, urls: dict[str, str]) -> None:
        """Screenshots and tests: photos already drawn."""
        self._set("photosPending", False)
        self._set("photos", dict(urls))

    # --- 样表 ---------------------------------------------------------------------------------
    @Slot()
    def openSample(self) -> None:
        """看样表: the bundle's form filled with its example answers."""
        from forms.sample_form import sample_form

        bundle = self._journey.bundle
        if bundle is None:
            return
        form = sample_form(bundle.id, catalogue=self._journey.catalogue)
        self._set("sampleStory", form.story)
        self._set("sampleNotice", form.notice)
        self._set("sampleItems", "、".join(form.items))
        self._set("sampleMaterials", "、".join(form.materials))
        self._set("samplePages", [{"title": page.title,
                                   "answers": [{"label": a.label, "text": a.text, "sample": a.sample}
                                               for a in page.answers]}
                                  for page in form.pages])
        self._go("sample_form")

    def sample_prompt(self) -> str:
        """Said after the screen's own prompt: which case the sample shows."""
        story = self._values["sampleStory"]
        return f"这份样表的情形是：{story}。" if story else ""

    # --- 样例 ---------------------------------------------------------------------------------
    def set_capture(self, material_id: str) -> None:
        self._set("captureMaterial", material_id)

    @Slot(str, str)
    def enlarge(self, url: str, name: str) -> None:
        """A 样例 tapped: shown large over the screen until 关闭 (or a tap on it)."""
        self._set("enlarged", url)
        self._set("enlargedName", name)

    @Slot()
    def closeEnlarged(self) -> None:
        self._reset(("enlarged", "enlargedName"))

    # --- 看视频 -------------------------------------------------------------------------------
    def guide_folder(self, bundle_id: str) -> Path:
        from kiosk.ui.guide_video import guide_key

        bundle = self._journey.catalogue.bundle(bundle_id)
        return self._guide_dir() / guide_key(bundle, self._guide_size)

    def _load_guide(self, serial: int) -> None:
        bundle_id = self._values["bundleId"]
        folder = self.guide_folder(bundle_id)
        if (folder / "guide.json").exists():
            self._show_guide(folder)

    def _show_guide(self, folder: Path) -> None:
        try:
            manifest = json.loads((folder / "guide.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self._set("guideState", "failed")
            return
        slides = [{"image": QUrl.fromLocalFile(str(folder / s["image"])).toString(), "title": s["title"],
                   "caption": s["caption"], "seconds": s["seconds"]} for s in manifest["slides"]]
        self._set("guideSlides", slides)
        self._set("guideState", "ready" if slides else "failed")

    def load_guide_folder(self, folder: Path) -> None:
        """Screenshots and tests: a guide already made."""
        self._show_guide(Path(folder))

    @Slot()
    def openGuide(self) -> None:
        """看视频: the guide, paused on its first slide (sound only after 播放). A guide not made
        yet is made now in a child process (the kiosk's own screens, offscreen, at low priority)."""
        self._set("guideIndex", 0)
        self._set("guidePlaying", False)
        self._ended = False
        if self._values["guideState"] in ("idle", "failed"):
            self._make_guide()
        self._go("guide")

    def _make_guide(self) -> None:
        bundle_id = self._values["bundleId"]
        if not bundle_id or self._process is not None:
            return
        folder = self.guide_folder(bundle_id)
        serial = self._serial
        self._set("guideState", "preparing")
        main = Path(__file__).resolve().parents[3] / "main.py"
        size = f"{self._guide_size[0]}x{self._guide_size[1]}"
        command = [sys.executable, str(main), "catalogue", "video", bundle_id, "--frames", str(folder),
                   "--size", size]
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        try:
            self._process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                             stderr=subprocess.PIPE, env=env,
                                             preexec_fn=_lowest_priority if os.name == "posix" else None)
        except OSError as exc:
            log.warning("guide not started: %s", exc.strerror)
            self._set("guideState", "failed")
            return
        process = self._process

        def wait() -> int:
            _, err = process.communicate()
            if process.returncode != 0:
                log.warning("guide for %s failed (%s): %s", bundle_id, process.returncode,
                            err.decode("utf-8", "replace")[-300:])
            return process.returncode

        def made(code: int | None, error: BaseException | None) -> None:
            self._process = None
            if serial != self._serial:
                return
            if code == 0 and (folder / "guide.json").exists():
                self._show_guide(folder)
            else:
                self._set("guideState", "failed")

        self._background.run(wait, made, "kiosk-guide")

    @Slot()
    def play(self) -> None:
        """播放 / 暂停: reads the slide's caption and moves on when it has been said."""
        if self._values["guidePlaying"]:
            self.pause()
            return
        if self._values["guideState"] != "ready":
            return
        if self._ended:
            self._set("guideIndex", 0)          # played to the end: 播放 starts again
        self._ended = False
        self._set("guidePlaying", True)
        self._speak_slide()

    @Slot()
    def pause(self) -> None:
        self._timer.stop()
        self._stop_voice()
        self._set("guidePlaying", False)

    @Slot()
    def nextSlide(self) -> None:
        """下一段: skips to the next slide (read if playing)."""
        self._step(+1)

    @Slot()
    def previousSlide(self) -> None:
        self._step(-1)

    def _step(self, delta: int) -> None:
        slides = self._values["guideSlides"]
        if not slides:
            return
        index = max(0, min(len(slides) - 1, self._values["guideIndex"] + delta))
        self._set("guideIndex", index)
        if self._values["guidePlaying"]:
            self._speak_slide()

    def _speak_slide(self) -> None:
        slide = self._values["guideSlides"][self._values["guideIndex"]]
        self._say(slide["caption"])
        self._timer.start(int(slide["seconds"] * 1000))

    def _advance(self) -> None:
        if self._voice_busy():          # the narration is not finished: the slide stays
            self._timer.start(300)
            return
        slides = self._values["guideSlides"]
        if self._values["guideIndex"] + 1 < len(slides):
            self._set("guideIndex", self._values["guideIndex"] + 1)
            self._speak_slide()
        else:
            self._set("guidePlaying", False)        # the end: stays on the last slide
            self._ended = True

    @Slot()
    def closeGuide(self) -> None:
        """关闭: at any moment, silent at once, back to 办理须知."""
        self.pause()
        self._back()

    def left_guide(self) -> None:
        """The guide screen was left some other way (返回, 首页, timeout): silent, stopped."""
        if self._values["guidePlaying"]:
            self.pause()

    def stop(self) -> None:
        """Shutdown: the child process making a guide is ended (made again on the next 看视频)."""
        process = self._process
        if process is not None and process.poll() is None:
            process.terminate()

    def wait(self, timeout: float = 300.0) -> None:
        """Tests, screenshots and shutdown: the photos being drawn, the guide being made."""
        self._background.wait(timeout)

    def wipe(self) -> None:
        self._timer.stop()
        self._serial += 1
        self._reset(self._PERSONAL)


def _lowest_priority() -> None:  # pragma: no cover - runs in the child before exec
    os.nice(19)


class SamplePrintViewModel(Notifying):
    """工作人员 → 打印样表: one bundle's 样表 on the station's A4 printer (kiosk.station.guides), on
    a worker thread; staff only (a resident's screen has no way to it). Audited."""

    changed = Signal()

    def __init__(self, *, bundles: Callable[[], list], logged_in: Callable[[], str],  # noqa: PLR0913
                 print_sample: Callable[[str], object], audit: Callable[[str, dict], None],
                 parent: QObject | None = None) -> None:
        super().__init__({"bundles": [], "message": "", "busy": False, "lastPdf": ""}, parent)
        self._bundles = bundles
        self._logged_in = logged_in
        self._print = print_sample
        self._audit = audit
        self._background = Background(self)

    bundles = prop(list, "bundles", changed)        # [{id, name}] of the catalogue in use
    message = prop(str, "message", changed)
    busy = prop(bool, "busy", changed)
    lastPdf = prop(str, "lastPdf", changed)         # the PDF written (the demo's A4 "printer")

    def refresh(self) -> None:
        self._set("bundles", [{"id": b.id, "name": b.name} for b in self._bundles()])

    @Slot(str)
    def printSample(self, bundle_id: str) -> None:
        staff_id = self._logged_in()
        if not staff_id or self._values["busy"]:
            return
        name = next((b["name"] for b in self._values["bundles"] if b["id"] == bundle_id), bundle_id)
        self._set("busy", True)
        self._set("message", f"正在打印“{name}”的样表……")

        def done(result, error: BaseException | None) -> None:  # noqa: ANN001 - SamplePrinted
            from devices.printer.a4 import PrintError

            self._set("busy", False)
            if error is None:
                self._set("message", f"“{name}”{result.message}")
                self._set("lastPdf", str(result.path or ""))
            elif isinstance(error, PrintError):
                self._set("message", f"“{name}”的样表没有打印出来：{error}")
            else:
                log.warning("sample form not printed: %s", type(error).__name__)
                self._set("message", f"“{name}”的样表没有打印出来，请检查 A4 打印机后再试。")
            self._audit("staff.print_sample_form", {"staff_id": staff_id, "bundle_id": bundle_id,
                                                     "printed": error is None})

        self._background.run(lambda: self._print(bundle_id), done, "kiosk-sample-print")

    def wait(self) -> None:
        self._background.wait()

    def wipe(self) -> None:
        self._reset(("message", "busy", "lastPdf"))
