"""tests/ops reuse the shell's `make_kiosk` fixture (the real application objects)."""

from tests.ui.conftest import make_kiosk  # noqa: F401 - a fixture, used by name
