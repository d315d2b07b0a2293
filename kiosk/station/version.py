"""The program's version, from one place: the package metadata made from pyproject.toml's version.

Where the metadata is found: a checkout has the editable install's (`station_kiosk.egg-info` beside
the code, or the venv's dist-info); an installed station tree carries its own
`station_kiosk-<version>.dist-info` (written by installer/install-station.sh and by `update make`),
which Python finds first because the tree's main.py runs from it; a PyInstaller build carries the
metadata it was built with. Nothing reads a `__version__` out of main.py any more.
"""

from __future__ import annotations

from importlib import metadata

DISTRIBUTION = "station-kiosk"
UNKNOWN = "0+unknown"


def app_version() -> str:
    """The running program's version, e.g. "0.1.0" (UNKNOWN for a tree with no metadata at all)."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return UNKNOWN


def dist_info_name(version: str) -> str:
    """The metadata folder a program tree of `version` carries."""
    return f"station_kiosk-{version}.dist-info"


def metadata_text(version: str) -> str:
    """The METADATA file inside it (core metadata 2.1: the three required fields)."""
    return f"Metadata-Version: 2.1\nName: {DISTRIBUTION}\nVersion: {version}\n"
