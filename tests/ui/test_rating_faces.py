"""好差评's five faces tell themselves apart (walk w68: 非常满意/满意 and 不满意/非常不满意 looked
alike): each face, grabbed from the real screen, has its own ink colour and differs from every
other face in shape, and its word is drawn large in the same colour."""

from __future__ import annotations

import itertools

from PySide6.QtGui import QColor

from kiosk.ui.screenshots import settle, show_screen
from kiosk.ui.theme import contrast_ratio
from tests.ui.qml_tree import all_objects
from tests.ui.test_form_flow import find


def _faces(kiosk) -> dict[int, list[tuple[int, int, int]]]:  # noqa: ANN001
    image = kiosk.window.grabWindow()
    faces = {}
    for score in range(1, 6):
        row = find(kiosk, f"rate{score}")
        canvas = next(i for i in all_objects(row) if i.metaObject().className().startswith("QQuickCanvas"))
        corner = canvas.mapToScene(canvas.boundingRect().topLeft())
        faces[score] = [QColor(image.pixel(int(corner.x()) + x, int(corner.y()) + y)).getRgb()[:3]
                        for y in range(0, int(canvas.height()), 2) for x in range(0, int(canvas.width()), 2)]
    return faces


def test_the_five_faces_differ_in_colour_and_shape(make_kiosk):
    kiosk = make_kiosk()
    show_screen(kiosk, "rating")            # a saved sample application, 不满意 chosen
    kiosk.rating.wipe()                     # nothing chosen: every face on white
    settle(kiosk.app)
    faces = _faces(kiosk)

    def ink(pixels):  # the darkest pixels of a face: its stroke colour
        dark = sorted(pixels, key=sum)[: len(pixels) // 20]
        return tuple(sum(c[i] for c in dark) // len(dark) for i in range(3))

    inks = {score: ink(pixels) for score, pixels in faces.items()}
    for a, b in itertools.combinations(inks, 2):
        distance = sum(abs(x - y) for x, y in zip(inks[a], inks[b], strict=True))
        assert distance > 40, f"faces {a} and {b} share a colour: {inks[a]} {inks[b]}"
        differing = sum(1 for p, q in zip(faces[a], faces[b], strict=True)
                        if (sum(p) < 600) != (sum(q) < 600))
        assert differing > len(faces[a]) * 0.02, f"faces {a} and {b} look alike in shape"
    for score in range(1, 6):
        word = next(i for i in all_objects(find(kiosk, f"rate{score}")) if i.property("text") in
                    {"非常满意", "满意", "基本满意", "不满意", "非常不满意"})
        assert word.property("font").pixelSize() >= kiosk.theme.property("title")
        assert contrast_ratio(word.property("color").name(), "#FFFFFF") >= 4.5
