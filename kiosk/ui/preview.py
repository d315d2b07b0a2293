"""`main.py catalogue preview`: the resident's screens of one bundle as PNGs, for its author.

Why here and through the kiosk itself: an author editing a workbook in a county office has no
kiosk, and a picture drawn by a second renderer would drift from what residents see. So this is
the screenshot machinery (kiosk/ui/screenshots.py) pointed at one bundle — possibly one not yet
published, from a workbook — walking it as a resident would: 办理须知, each question in turn with
the example answers (variant 0) given, the materials, and 核对.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from kiosk.station.config import Config

# A resident for a bundle with no example answers yet (a workbook still being written).
FALLBACK_APPLICANT = {"name": "张喆堃", "id_number": "11010519491231002X", "sex": "2",
                      "birth_date": "19491231", "address": "辽宁省沈阳市和平区南京北街100号"}


MAX_PAGES = 8      # pictures of one long screen at most


def _scrolled_column(root):  # noqa: ANN001, ANN202 - QQuickItem: the screen's scrolling column, if it scrolls
    """The visible Flickable with the most content hidden below (the screen's ScreenColumn)."""
    best, hidden = None, 1.0
    stack = [root]
    while stack:
        item = stack.pop()
        if not item.isVisible() or item.opacity() <= 0.01:
            continue
        if item.inherits("QQuickFlickable"):
            below = float(item.property("contentHeight") or 0.0) - item.height()
            if below > hidden:
                best, hidden = item, below
        stack.extend(item.childItems())
    return best


def preview_sample(opened) -> dict:  # noqa: ANN001 - forms.workbook.OpenedBundle
    """The answers the preview gives: the bundle's example variant 0, or none (a workbook without
    examples yet) for a sample resident."""
    from forms.examples import example

    if opened.variants:
        sample = example(opened.bundle_id, 0, catalogue=opened.catalogue, variants=opened.variants)
    else:
        sample = {"applicant": None, "answers": {}, "materials": {}}
    return {**sample, "applicant": {**FALLBACK_APPLICANT, **(sample.get("applicant") or {})},
            "materials": sample.get("materials") or {}}


def preview_names(bundle, sample: dict) -> list[str]:  # noqa: ANN001 - forms.Bundle
    """The screens preview writes, in order, without the size suffix and the extra pages of a long
    screen (`-p2` …): what a test can expect."""
    from forms import FormSession

    form = FormSession(bundle, applicant=sample["applicant"], answers=sample["answers"])
    questions = [f"{n:02d}-question-{f.id}" for n, f in enumerate(form.visible_fields(), start=1)]
    last = len(questions) + 1
    return ["00-intro", *questions, f"{last:02d}-materials", f"{last + 1:02d}-review"]


def write_preview(config: Config, opened, out: Path, *, size: tuple[int, int] = (1080, 1920),  # noqa: ANN001
                  large_text: bool = False) -> list[Path]:
    """Render `opened` (forms.workbook.OpenedBundle) into `out`; returns the PNGs written."""
    from kiosk.ui.app import build, prepare_environment
    from kiosk.ui.screenshots import fill_from_example, settle
    from kiosk.ui.session import Person
    from sync.store import Store

    prepare_environment()
    out.mkdir(parents=True, exist_ok=True)
    bundle = opened.catalogue.bundle(opened.bundle_id)
    sample = preview_sample(opened)
    applicant = sample["applicant"]

    scratch = Path(tempfile.mkdtemp(prefix="kiosk-preview-"))
    store = Store.open(scratch / "data", scratch / "keys")      # sample data only, removed below
    kiosk = build(config, voice_enabled=False, large_text=large_text, size=size, store=store)
    kiosk.journey.use_catalogue(opened.catalogue)
    suffix = f"{size[0]}x{size[1]}" + ("-large" if large_text else "")
    written: list[Path] = []

    def grab(name: str) -> None:
        """The screen as shown; a screen longer than the window also scrolled down a page at a
        time, as the resident swipes (`…-p2`, `…-p3`), so the author sees all of 办理须知 and 核对."""
        settle(kiosk.app)
        flick = _scrolled_column(kiosk.window.contentItem())
        page = 1
        while True:
            path = out / (f"{name}-{suffix}.png" if page == 1 else f"{name}-p{page}-{suffix}.png")
            if not kiosk.window.grabWindow().save(str(path)):
                raise OSError(5, f"cannot write {path}")
            written.append(path)
            if flick is None or page >= MAX_PAGES:
                break
            most = max(0.0, flick.property("contentHeight") - flick.height())
            top = float(flick.property("contentY") or 0.0)
            if top >= most - 1:
                break
            flick.setProperty("contentY", min(most, top + flick.height() * 0.85))   # a line of overlap
            settle(kiosk.app)
            page += 1

    try:
        shell, form_vm = kiosk.shell, kiosk.form
        kiosk.journey.identify(applicant)
        shell.identified(Person(applicant["name"], applicant["id_number"]))
        kiosk.journey.choose(bundle.id)
        form_vm.load()
        shell.jump("bundle_intro")
        grab("00-intro")
        fill_from_example(kiosk, sample)
        form = kiosk.journey.form
        visible = form.visible_fields()
        for number, field in enumerate(visible, start=1):
            form.goto(field.id)
            form_vm.load()
            shell.jump("question")
            grab(f"{number:02d}-question-{field.id}")
        last = len(visible) + 1
        shell.jump("materials")
        kiosk.materials.refresh()
        grab(f"{last:02d}-materials")
        if visible:
            form.goto(visible[-1].id)
        form_vm.load()
        form_vm.backToReview()
        shell.jump("review")
        grab(f"{last + 1:02d}-review")
    finally:
        kiosk.session.end()
        settle(kiosk.app)
        kiosk.shutdown()
        store.close()
        shutil.rmtree(scratch, ignore_errors=True)
    if kiosk.qml_warnings:
        raise RuntimeError("QML warnings:\n" + "\n".join(kiosk.qml_warnings))
    return written
