"""Commands of the Qt layer: demo, kiosk, screenshots."""

from __future__ import annotations


def register(commands) -> None:  # noqa: ANN001 - main.Commands; typed there
    """Filled in by the kiosk shell (foundation issue)."""
