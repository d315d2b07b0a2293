"""The rules of the house as tests: which room may import which (DESIGN.md, kiosk/README.md).

Every import is read from the source with `ast`, including the ones inside functions (the rooms
import heavy things lazily), so a rule cannot be dodged by importing late.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
QT = ("PySide6", "shiboken6")
# The one place outside the UI room allowed to use Qt: the A4 page is drawn with QPainter.
QT_ALLOWED_OUTSIDE_UI = {"devices/printer/a4/render.py"}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def python_files(*rooms: str) -> list[Path]:
    return sorted(p for room in rooms for p in (ROOT / room).rglob("*.py") if "__pycache__" not in p.parts)


def _offenders(files: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in files:
        for name in sorted(imports_of(path)):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
                found.append(f"{shown} imports {name}")
    return found


def test_the_rule_reader_sees_imports_inside_functions(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from PySide6.QtCore import QTimer\n    import kiosk.ui.app\n")
    assert {"PySide6.QtCore", "kiosk.ui.app"} <= imports_of(sample)
    assert _offenders([sample], QT)


@pytest.mark.parametrize("room", ["devices", "forms", "sync", "console"])
def test_devices_forms_and_sync_never_import_the_kiosk(room: str) -> None:
    assert _offenders(python_files(room), ("kiosk", "main")) == []


@pytest.mark.parametrize("room", ["devices", "forms", "sync", "kiosk/station", "console"])
def test_qt_only_in_the_ui_room_and_the_a4_page_renderer(room: str) -> None:
    files = [p for p in python_files(room) if str(p.relative_to(ROOT)) not in QT_ALLOWED_OUTSIDE_UI]
    assert _offenders(files, QT) == []


def test_the_station_room_never_imports_the_ui_room() -> None:
    assert _offenders(python_files("kiosk/station"), ("kiosk.ui",)) == []


def test_nothing_imports_main_for_its_version() -> None:
    """The version comes from the package metadata (kiosk.station.version), never `from main`."""
    assert _offenders(python_files("kiosk", "devices", "forms", "sync"), ("main",)) == []


def test_only_a_few_files_stay_loose_in_kiosk() -> None:
    loose = sorted(p.name for p in (ROOT / "kiosk").iterdir() if p.is_file())
    assert loose == ["README.md", "__init__.py"]


def test_the_a4_renderer_is_the_only_qt_user_outside_the_ui_room() -> None:
    users = {str(p.relative_to(ROOT)) for p in python_files("devices", "forms", "sync", "kiosk/station")
             if _offenders([p], QT)}
    assert users == QT_ALLOWED_OUTSIDE_UI
