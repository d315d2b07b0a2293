"""短视频: a short narrated guide per bundle, made from the kiosk's real screens and the words it
says on them, so it can never go stale.

Why a slideshow of real screens and not a filmed video: a film goes stale the day a question or a
paper changes, and a new bundle would have none. Here the kiosk itself, offscreen with sample data
(the bundle's `catalogue example` answers, the same helpers as `main.py screenshots`), is walked
through the journey; each step's screen is grabbed and captioned with the prompt the kiosk speaks
there (`navigation.SCREENS`, with what the screen adds: the question, the materials). The result is:

- a folder (`guide.json` + one JPEG per slide) that the kiosk plays on 办理须知 → 看视频
  (`viewmodels/guides.py`, `screens/GuideScreen.qml`): the captions large, read by the kiosk's own
  voice (espeak-ng), paused until 播放, closable at any moment;
- `catalogue video BUNDLE --out FILE.mp4` for staff to share (WeChat group, the station's TV):
  the same slides as H.264 with the narration (espeak-ng's WAV) as AAC, muxed with PyAV (FFmpeg's
  libraries in the wheel); without espeak-ng the video is silent and the command says so.

Why not QtMultimedia on the kiosk: the installed PySide6 has it, but importing it makes Qt print
warnings about missing PipeWire (the kiosk treats any Qt warning as a fault), a decoded video adds
a codec path to every station (UOS, Kylin) for no gain over pictures plus the voice the kiosk
already has, and captions, 暂停 and 下一段 are simpler and exact on slides.

The kiosk makes a guide in a child process (`--frames DIR`, lowest priority) the first time a
resident asks for it, cached in the data folder under a key of the bundle's version, the software
version and the screen size, so a new catalogue or software version makes a new one.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tempfile
import wave
from dataclasses import asdict, dataclass
from pathlib import Path

from kiosk.station.config import Config

FRAME_SCALE = 0.5           # slides are stored at half the screen size (540×960 portrait)
VIDEO_FPS = 10
GUIDE_FORMAT = "1"          # bump when the slides change: the cache key includes it


@dataclass(frozen=True)
class Slide:
    image: str          # file name in the guide's folder
    title: str          # the step, e.g. "第 3 步：回答问题"
    caption: str        # the words said (and shown) on it
    seconds: float


def guide_key(bundle, size: tuple[int, int]) -> str:  # noqa: ANN001 - forms.Bundle
    """The cache folder's name: the bundle's content, the software and the screen size."""
    from kiosk.station.version import app_version

    digest = hashlib.sha256(json.dumps([GUIDE_FORMAT, app_version(), bundle.id, bundle.version,
                                        bundle.form_version, [m.name for m in bundle.materials],
                                        list(size)], ensure_ascii=False).encode()).hexdigest()[:16]
    return f"{bundle.id}-{digest}"


SAMPLE_DETAIL = "南京北街100号"      # the street of a sample person moved to the station's county


def served_here(bundle, sample: dict, station_division: str | None) -> dict:  # noqa: ANN001 - Bundle
    """The example's person, as one this station can serve. A guide made with someone registered
    elsewhere showed “这件事本站可能不能办理” on every screen. forms.handling decides (the one
    rule); when it refuses anything, the same fictional person is moved to the station's county —
    the ID number's first six digits (check character recomputed), the card's address and the
    household answers — and every answer that repeated the old number follows."""
    from forms import FormSession
    from forms.handling import for_form, household_fields, place_name
    from forms.validators import id_check_digit

    def refused(person: dict, answers: dict) -> bool:
        form = FormSession(bundle, applicant=person)
        for field_id, value in answers.items():
            form.answer(field_id, value)
        return any(not d.here for d in for_form(form, station_division, list(bundle.items)))

    person = dict(sample.get("applicant") or {"name": "张三", "id_number": "11010519491231002X"})
    answers = dict(sample.get("answers") or {})
    if station_division is None or not refused(person, answers):
        return {**sample, "applicant": person}
    old = str(person.get("id_number") or "")
    if len(old) == 18:
        first = station_division + old[6:17]
        person["id_number"] = first + id_check_digit(first)
        answers = {k: person["id_number"] if v == old else v for k, v in answers.items()}
    person["address"] = f"辽宁省{place_name(station_division)}{SAMPLE_DETAIL}"
    county = {"province": "210000", "city": station_division[:4] + "00", "county": station_division}
    for field_id in household_fields(bundle):
        if isinstance(answers.get(field_id), dict):
            answers[field_id] = {**answers[field_id], **county}
    return {**sample, "applicant": person, "answers": answers}


def _narration(kiosk, bundle_id: str) -> list[tuple[str, str, object]]:  # noqa: ANN001
    """(title, caption, show) per slide: `show()` puts the kiosk on the screen; the caption is the
    kiosk's own prompt there, after what this bundle adds."""
    from forms.examples import example
    from forms.sample_form import sample_form
    from kiosk.ui.navigation import SCREENS
    from kiosk.ui.screenshots import complete_sample_application, fill_from_example, settle
    from kiosk.ui.session import Person

    catalogue = kiosk.journey.catalogue
    bundle = catalogue.bundle(bundle_id)
    sample = served_here(bundle, example(bundle_id, catalogue=catalogue), kiosk.journey.station_division)
    person = sample["applicant"]
    form = sample_form(bundle_id, catalogue=catalogue)
    from forms import FormSession
    from kiosk.ui.viewmodels.form import intro_heading
    # 办理须知's own count for this person before any answer (the same rule as the screen)
    heading = intro_heading(FormSession(bundle, applicant=person))

    def start(to: str = "identified") -> None:
        kiosk.session.end()
        settle(kiosk.app)
        kiosk.journey.identify(person)
        kiosk.shell.identified(Person(person["name"], person["id_number"]))
        if to == "identified":
            return
        kiosk.shell.forward()           # 选择要办的事
        if to == "choose_bundle":
            return
        kiosk.journey.choose(bundle_id)
        kiosk.form.load()
        kiosk.shell.jump("bundle_intro")

    def intro() -> None:
        start("bundle_intro")

    def materials() -> None:
        start("bundle_intro")
        fill_from_example(kiosk, sample)
        kiosk.shell.jump("materials")
        kiosk.guides.prepare()
        kiosk.guides.wait()

    def question(field_id: str):  # noqa: ANN202
        def show() -> None:
            start("bundle_intro")
            session = kiosk.journey.form
            kiosk.session.start_form()
            for answered, value in sample["answers"].items():
                if bundle.field(answered).type not in ("signature", "scan"):
                    session.answer(answered, value)
            session.goto(field_id)
            kiosk.form.load()
            kiosk.shell.jump("question")
        return show

    def capture() -> None:
        materials()
        first = next(iter(kiosk.guides.property("photos") or {}), "")
        name = bundle.material(first).name if first else bundle.materials[0].name
        kiosk.guides.set_capture(first)
        kiosk.shell.jump("capture")
        kiosk.camera.show_sample(name)

    def review() -> None:
        materials()
        kiosk.shell.jump("review")
        kiosk.form.load()

    def sign() -> None:
        complete_sample_application(kiosk, bundle_id, sample=sample)
        kiosk.signature.prepare()
        kiosk.shell.jump("sign")

    def receipt() -> None:
        kiosk.session.end()
        settle(kiosk.app)
        complete_sample_application(kiosk, bundle_id, sample=sample)
        kiosk.shell.jump("saving")
        kiosk.submit.save()
        kiosk.submit.wait()
        settle(kiosk.app)
        kiosk.submit.wait()
        settle(kiosk.app)

    def said(screen_id: str) -> str:
        """What the kiosk says there, cut to its instruction (the first sentence asking, 请…):
        a guide of whole prompts ran five minutes."""
        sentences = [s + "。" for s in SCREENS[screen_id].prompt.split("。") if s]
        return next((s for s in sentences if "请" in s), sentences[0])

    slides: list[tuple[str, str, object]] = [
        ("办理须知", f"{bundle.name}：{heading}。先看办理须知，也可以看样表。", intro),
        ("要带的材料", "请带好：" + "、".join(form.materials) + "。政府部门已有的不用交。", materials),
        ("第 1 步：确认身份", said("attract"), lambda: kiosk.session.end()),
        ("第 2 步：选择要办的事", f"{said('choose_bundle')}找到“{bundle.name}”。",
         lambda: start("choose_bundle")),
    ]
    pages = [page for page in form.pages if page.answers]
    for number, page in enumerate(pages, 1):
        first = next(f for p in bundle.pages if p.title == page.title for f in p.fields
                     if f.type not in ("signature", "scan"))
        lead = said("question") if number == 1 else ""
        slides.append((f"第 3 步：回答问题（{number}/{len(pages)}）", f"{lead}第{number}页，{page.title}。",
                       question(first.id)))
    slides += [
        ("第 4 步：拍摄材料", said("capture") + "旁边有样例。", capture),
        ("第 5 步：核对", said("review"), review),
        ("第 6 步：承诺和签名", said("sign"), sign),
        ("第 7 步：取凭条", said("receipt"), receipt),
    ]
    return slides


def make_slides(kiosk, bundle_id: str, folder: Path, *, limit: int | None = None) -> list[Slide]:  # noqa: ANN001
    """Walk a sample-data kiosk through the bundle, grab each step, write `guide.json` + JPEGs
    (`limit`: the first slides only — the screenshot of the guide screen needs two)."""
    from PySide6.QtCore import Qt

    from kiosk.ui.screenshots import settle
    from kiosk.ui.viewmodels.guides import slide_seconds

    folder.mkdir(parents=True, exist_ok=True)
    slides: list[Slide] = []
    for number, (title, caption, show) in enumerate(_narration(kiosk, bundle_id)[:limit], 1):
        show()
        settle(kiosk.app)
        image = kiosk.window.grabWindow()
        image = image.scaled(int(image.width() * FRAME_SCALE), int(image.height() * FRAME_SCALE),
                             Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
        name = f"slide-{number:02d}.jpg"
        if not image.save(str(folder / name), "JPG", 88):
            raise OSError(5, f"cannot write {folder / name}")
        slides.append(Slide(name, title, caption, round(slide_seconds(caption), 1)))
    kiosk.session.end()
    manifest = {"bundle_id": bundle_id, "slides": [asdict(s) for s in slides]}
    (folder / "guide.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return slides


def write_guide(config: Config, bundle_id: str, folder: Path, *, size: tuple[int, int] = (1080, 1920),
                large_text: bool = False) -> list[Slide]:
    """Make the guide's slides in `folder` with a kiosk of its own (sample data, no voice)."""
    from kiosk.ui.app import build, prepare_environment
    from sync.store import Store

    prepare_environment()
    scratch = Path(tempfile.mkdtemp(prefix="kiosk-guide-"))
    store = Store.open(scratch / "data", scratch / "keys")
    kiosk = build(config, voice_enabled=False, large_text=large_text, size=size, store=store)
    try:
        tmp = folder.with_name(folder.name + ".part")
        shutil.rmtree(tmp, ignore_errors=True)
        slides = make_slides(kiosk, bundle_id, tmp)
        if kiosk.qml_warnings:
            raise RuntimeError("QML warnings:\n" + "\n".join(kiosk.qml_warnings))
        shutil.rmtree(folder, ignore_errors=True)
        tmp.rename(folder)          # the kiosk sees a whole guide or none
        return slides
    finally:
        kiosk.shutdown()
        store.close()
        shutil.rmtree(scratch, ignore_errors=True)


# ------------------------------------------------------------------------------------- the video
def _speak_to_wav(text: str, path: Path) -> bool:
    """The kiosk's voice (espeak-ng, Mandarin, the same rate) into a WAV file; False without it."""
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        return False
    result = subprocess.run([espeak, "-v", "cmn", "-s", "150", "-w", str(path), "--", text],
                            stdin=subprocess.DEVNULL, capture_output=True, timeout=120, check=False)
    return result.returncode == 0 and path.exists()


def _read_wav(path: Path):  # noqa: ANN202 - (int16 mono samples, rate)
    import numpy as np

    with wave.open(str(path), "rb") as w:
        rate, channels = w.getframerate(), w.getnchannels()
        samples = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
    if channels > 1:
        samples = samples.reshape(-1, channels)[:, 0]
    return samples, rate


def export_video(folder: Path, out: Path) -> dict:
    """The guide in `folder` as an MP4 (H.264 video, AAC narration). Returns facts for the log."""
    import av
    import numpy as np
    from PIL import Image

    manifest = json.loads((folder / "guide.json").read_text(encoding="utf-8"))
    slides = manifest["slides"]
    work = Path(tempfile.mkdtemp(prefix="kiosk-video-"))
    try:
        voices = []
        for n, slide in enumerate(slides):
            wav = work / f"{n}.wav"
            voices.append(_read_wav(wav) if _speak_to_wav(slide["caption"], wav) else None)
        rate = next((v[1] for v in voices if v is not None), 22050)
        first = Image.open(folder / slides[0]["image"])
        width, height = (first.width // 2) * 2, (first.height // 2) * 2
        out.parent.mkdir(parents=True, exist_ok=True)
        container = av.open(str(out), mode="w")
        video = container.add_stream("libx264" if "libx264" in av.codecs_available else "mpeg4",
                                     rate=VIDEO_FPS)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        audio = container.add_stream("aac", rate=rate) if any(voices) else None
        if audio is not None:
            audio.layout = "mono"
        frame_index, audio_pts, seconds = 0, 0, 0.0
        for slide, voice in zip(slides, voices, strict=True):
            samples = voice[0] if voice is not None else np.zeros(0, np.int16)
            said = len(samples) / rate
            length = max(slide["seconds"], said + 0.8)
            picture = np.asarray(Image.open(folder / slide["image"]).convert("RGB").resize((width, height)))
            frame = av.VideoFrame.from_ndarray(picture, format="rgb24")
            for _ in range(round(length * VIDEO_FPS)):
                frame.pts = frame_index
                frame_index += 1
                for packet in video.encode(frame):
                    container.mux(packet)
            if audio is not None:
                padded = np.zeros(round(length * rate), np.int16)
                padded[:len(samples)] = samples[:len(padded)]
                for start in range(0, len(padded), 1024):
                    part = padded[start:start + 1024].reshape(1, -1)
                    chunk = av.AudioFrame.from_ndarray(part, format="s16", layout="mono")
                    chunk.sample_rate = rate
                    chunk.pts = audio_pts
                    audio_pts += chunk.samples
                    for packet in audio.encode(chunk):
                        container.mux(packet)
            seconds += length
        for stream in (video, audio):
            if stream is not None:
                for packet in stream.encode(None):
                    container.mux(packet)
        container.close()
        return {"slides": len(slides), "seconds": round(seconds, 1), "narrated": audio is not None,
                "size": f"{width}x{height}", "bytes": out.stat().st_size}
    finally:
        shutil.rmtree(work, ignore_errors=True)
