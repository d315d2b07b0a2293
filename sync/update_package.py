"""The signed update package's format, readable without the kiosk: its member names and the
version its manifest names (kiosk/station/updates.py makes, verifies and installs packages).

Why here in `sync`: the fleet console (which must not import `kiosk`) registers a package as a
release by the version inside it, and the station's root side names a refused one by it; both
read the same manifest the same way. Nothing here checks the signature: only the station, with
the platform key it pinned at enrollment, can (kiosk.station.updates.read_manifest).
"""

from __future__ import annotations

import hashlib
import json
import tarfile
from pathlib import Path

FORMAT = 1
PRODUCT = "station-kiosk"
MANIFEST, SIGNATURE, APP = "manifest.json", "manifest.sig", "app/"
MAX_MANIFEST = 4 << 20


class NotAPackage(ValueError):
    """The file is not an update package (one Chinese sentence)."""


def sha256_file(path: Path) -> str:
    """A file's SHA-256 (hex), read in 1 MB chunks: a package's files, a staged package."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def package_version(package: Path) -> str:
    """The version a package's manifest names, read WITHOUT checking its signature."""
    try:
        with tarfile.open(package, "r:*") as tar:
            member = tar.getmember(MANIFEST)
            handle = tar.extractfile(member) if member.isfile() and member.size <= MAX_MANIFEST else None
            if handle is None:
                raise ValueError
            manifest = json.loads(handle.read().decode("utf-8"))
            tar.getmember(SIGNATURE)
    except (KeyError, tarfile.TarError, OSError, EOFError, ValueError, UnicodeDecodeError):
        raise NotAPackage(f"{Path(package).name} 不是自助终端的更新包"
                          "（应为 update make 生成的 .tar.gz）。") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT \
            or manifest.get("product") != PRODUCT or not str(manifest.get("version") or ""):
        raise NotAPackage(f"{Path(package).name} 的清单格式不对，不是自助终端的更新包。")
    return str(manifest["version"])
