"""The document camera tells the truth: a bare table is never taken for paper, every picture
shown carries the advice made from that very frame, 拍照 takes exactly the frame on screen, and
the simulated camera never plays an empty table by accident. Real parts: the simulated camera
playing generated photographs (with sensor noise), the capture pipeline, the worker thread."""

from __future__ import annotations

import threading

import cv2
import numpy as np
import pytest

from devices.camera.document_scenes import empty_table, scenes, write_scenes
from devices.camera.document_worker import ADVICE_READY, NO_DOCUMENT, CameraWorker
from devices.camera.simulator import SensorNoise, SimulatedCamera
from devices.capture.geometry import find_paper
from devices.capture.pipeline import capture, check
from devices.capture.presets import preset


def test_a_bare_table_under_the_lamp_is_never_taken_for_paper():
    noise = np.empty((720, 1280, 3), np.int16)
    for seed in range(12):                       # the code before took 11 of these 12 for paper
        table = empty_table(seed)
        for _ in range(2):                       # as a sensor delivers it: never twice the same
            cv2.randn(noise, 0, 2.0)
            assert find_paper(cv2.add(table, noise, dtype=cv2.CV_8U)) is None, f"table {seed} taken for paper"


@pytest.mark.parametrize("kind", ["page", "card"])
def test_the_simulated_camera_plays_paper_only(tmp_path, kind):
    played = write_scenes(kind, tmp_path)
    camera = SensorNoise(SimulatedCamera(played, fps=0))
    try:
        for _ in range(len(played)):
            assert find_paper(camera.read()) is not None
    finally:
        camera.close()


class Screen:
    """Plays the kiosk screen's part for the worker (it runs on its own thread): records what is
    shown, tells the worker which frame is on screen, and taps 拍照 while the camera has moved on
    — at frame `tap_at[n]` it asks for frame `n`, shown since then."""

    def __init__(self, frames_wanted: int, taps: dict[int, int] | None = None) -> None:
        self.frames: list[tuple[int, np.ndarray, str, bool]] = []
        self.shots = []
        self.errors: list[str] = []
        self.done = threading.Event()
        self.worker: CameraWorker | None = None
        self._wanted = frames_wanted
        self._taps = taps or {}

    def on_frame(self, number, frame, advice, ok) -> None:  # noqa: ANN001
        self.frames.append((number, frame, advice, ok))
        if number in self._taps.values():
            self.worker.shown(number)
        for shown, tap_at in self._taps.items():
            if number == tap_at:
                self.worker.request_capture(shown)
        if len(self.frames) >= self._wanted and len(self.shots) >= len(self._taps):
            self.done.set()

    def on_shot(self, shot) -> None:  # noqa: ANN001
        self.shots.append(shot)


def _start(tmp_path, screen: Screen) -> CameraWorker:
    """The worker on a simulated camera whose scene changes under every frame: paper (odd frames),
    bare table (even frames), ten a second."""
    good, bare = tmp_path / "good.png", tmp_path / "bare.png"
    cv2.imwrite(str(good), scenes("page")[1])
    cv2.imwrite(str(bare), empty_table(seed=0))
    worker = CameraWorker(
        lambda: SensorNoise(SimulatedCamera([good, bare], fps=10, hold_s=0.1, loop=True)), preset("a4"),
        on_frame=screen.on_frame, on_shot=screen.on_shot, on_error=screen.errors.append)
    screen.worker = worker
    worker.start()
    return worker


def test_every_frame_shown_carries_the_advice_made_from_it(tmp_path):
    screen = Screen(frames_wanted=8)
    worker = _start(tmp_path, screen)
    try:
        assert screen.done.wait(60)
    finally:
        worker.stop()
    assert not screen.errors
    for number, frame, advice, ok in screen.frames:
        _, _, quality = check(frame, preset("a4"))
        assert (advice, ok) == (quality.advice[0] if quality.advice else ADVICE_READY, quality.ok)
        found = find_paper(frame) is not None
        assert found == (number % 2 == 1)                          # the frame is the scene it shows
        assert found or (not ok and advice != ADVICE_READY)        # never 位置合适 over nothing


def test_the_shot_is_the_frame_on_screen_and_nothing_without_paper(tmp_path):
    screen = Screen(frames_wanted=10, taps={1: 4, 6: 9})     # paper on screen, then a bare table
    worker = _start(tmp_path, screen)
    try:
        assert screen.done.wait(60)
    finally:
        worker.stop()
    taken, refused = screen.shots
    shown = {number: frame for number, frame, _, _ in screen.frames}
    assert taken.number == 1 and taken.document
    assert np.array_equal(taken.page, capture(shown[1], preset("a4")).page)   # that very frame
    assert refused.number == 6 and not refused.document
    assert refused.jpeg is None and refused.page is None and refused.advice == NO_DOCUMENT


def test_a_newer_frame_reaching_the_screen_before_the_tap_is_served_keeps_the_tapped_one(tmp_path):
    """拍照 on frame 1 arrives while the camera reads frame 3, together with frame 2 reaching the
    screen: the tapped frame is still shot (it used to be let go, and 拍照 said 画面刚刚变了)."""
    good = tmp_path / "good.png"
    cv2.imwrite(str(good), scenes("page")[1])
    shots, frames, done = [], [], threading.Event()

    class TapWhileReading:
        """The camera, with the screen's tap and the next picture landing during its third read."""

        def __init__(self) -> None:
            self.camera = SensorNoise(SimulatedCamera([good], fps=10, hold_s=1.0, loop=True))
            self.reads = 0

        def read(self):  # noqa: ANN202
            self.reads += 1
            if self.reads == 3:
                worker.request_capture(1)    # the tap on frame 1 …
                worker.shown(2)              # … and frame 2 on screen, both while this frame is read
            return self.camera.read()

        def close(self) -> None:
            self.camera.close()

    def on_frame(number, frame, advice, ok) -> None:  # noqa: ANN001
        frames.append(number)
        if number == 1:
            worker.shown(1)

    def on_shot(shot) -> None:  # noqa: ANN001
        shots.append(shot)
        done.set()

    worker = CameraWorker(TapWhileReading, preset("a4"), on_frame=on_frame, on_shot=on_shot,
                          on_error=lambda message: None)
    worker.start()
    try:
        assert done.wait(60)
    finally:
        worker.stop()
    (shot,) = shots
    assert shot.number == 1 and shot.document


def test_the_simulated_papers_are_chinese():
    """The demo's camera showed "CERTIFICATE" and random Latin letters on its paper (walk w48):
    every word on the fake 证明 and card is Chinese (digits allowed), and it is really drawn."""
    import re

    from devices.camera.document_scenes import card_writes, page_writes, render_card, render_page

    for _, text, _ in page_writes() + card_writes():
        assert not re.search(r"[A-Za-z]", text), text
    assert any("证" in text for _, text, _ in page_writes())
    page = render_page()
    assert (page[190:800, 70:770] < 100).mean() > 0.03          # the lines of text are on the page
    card = render_card()
    assert (card[90:360, 170:560] < 100).mean() > 0.02
