"""The reference platform (PLATFORM-API.md, contract v1): service, HTTP server, certificate PDFs.

Two names are shared with the kiosk's demo and the commands that act for the platform: where the
demo keeps its platform beside the kiosk's data, and the file of the platform's signing key.
"""

from __future__ import annotations

from pathlib import Path

SIGNING_KEY_FILE = "platform_ed25519.key"


def demo_platform_dir(kiosk_data_dir: Path) -> Path:
    """The demo's in-process platform keeps its data beside the kiosk's: `<data_dir>-platform`."""
    kiosk_data_dir = Path(kiosk_data_dir)
    return kiosk_data_dir.with_name(kiosk_data_dir.name + "-platform")


def signing_key_path(platform_dir: Path) -> Path:
    return Path(platform_dir) / SIGNING_KEY_FILE
