"""Signed software updates: the package format, making one (platform side), applying one (station).

Why signed and pinned: a station's software arrives on a USB stick or over a village network; a
package is only installed when the platform key pinned at enrollment (store setting
`platform_signing_key`, the same key that signs the catalogue) signed its manifest, and every file
matches the manifest's SHA-256. An older (or the same) version is refused, so a captured old
package cannot be replayed to bring back a fixed bug.

Why a versioned folder and a `current` symlink: the new tree is written and checked completely in
`versions/<version>.partial-…` first, renamed to `versions/<version>`, and only then `current` is
switched with one atomic rename of a symlink (kiosk/station/versions.py, which also opens the trial that
rolls a version back automatically when it does not come up). A power cut or a refusal at any step
leaves `current` pointing at the old version, which keeps running; the next start of the service
(`update apply` asks systemd for it) runs the new one.

Why the packages carry code only and the Python environment is shared (ROOT/venv): a station is
often offline and PySide6 alone is ~500 MB, so an update is the program tree (a few MB), and every
version runs on the one environment the installer built. A package whose pyproject.toml asks for
different dependencies than the running version's is therefore refused here with a plain reason:
such a release is installed with its installer (install-station.sh), which rebuilds the environment.

The package (`.tar.gz`):

    manifest.json   {"format": 1, "product": "station-kiosk", "version": "0.2.0",
                     "created_at": "2026-11-28T01:00:00Z",
                     "files": {"main.py": {"sha256": "…", "size": 1234, "mode": 420}, …}}
    manifest.sig    base64 Ed25519 signature of the exact bytes of manifest.json
    app/<path>      each file listed in the manifest, nothing else
"""

from __future__ import annotations

import compileall
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.station import versions
from kiosk.station.version import dist_info_name, metadata_text
from sync import signing
from sync.documents import version_key
from sync.durable import atomic_file
from sync.update_package import APP, FORMAT, MANIFEST, PRODUCT, SIGNATURE, sha256_file  # the format, shared

# What never goes into a package: version control, environments, caches, build output.
EXCLUDED_PARTS = {".git", ".venv", "venv", "__pycache__", ".pytest_cache", ".ruff_cache", "build",
                  "dist", ".hypothesis"}
MAX_FILES = 20_000


class UpdateRefused(Exception):
    """Why a package was not installed (Chinese, for staff). Nothing was changed.

    `code` is the same reason as a word from a fixed list (REFUSAL_CODES): what a fleet report may
    carry about a refused package, where free text is not allowed (console/console_api.yaml)."""

    def __init__(self, message: str, code: str = "refused") -> None:
        super().__init__(message)
        self.code = code


# The fleet report's `offers_refused[].code` (console/console_api.yaml OfferRefusal keeps this list).
REFUSAL_CODES = ("sha_mismatch", "bad_signature", "tampered", "invalid", "not_newer", "rolled_back",
                 "dependencies_changed", "not_enrolled", "refused")


def _app_files(app_dir: Path) -> Iterable[tuple[str, Path]]:
    for path in sorted(app_dir.rglob("*")):
        rel = path.relative_to(app_dir)
        if any(part in EXCLUDED_PARTS for part in rel.parts) or path.suffix == ".pyc":
            continue
        if rel.parts[0].startswith("station_kiosk") and rel.parts[0].endswith((".dist-info", ".egg-info")):
            continue        # the tree's metadata is written anew for the version being packed
        if path.is_file() and not path.is_symlink():
            yield rel.as_posix(), path


def make_package(app_dir: Path, version: str, key: Ed25519PrivateKey, out: Path,
                 now: float | None = None) -> dict[str, Any]:
    """Pack `app_dir` as `version`, signed with the platform key. Returns the manifest."""
    app_dir = Path(app_dir)
    declared = versions.pyproject_version(app_dir)
    if declared is not None and declared != str(version):
        raise UpdateRefused(f"目录 {app_dir} 的 pyproject.toml 写的版本是 {declared}，与 --version {version} "
                            "不一致，未打包。请先改 pyproject.toml 的 version。")
    files = {rel: {"sha256": sha256_file(path), "size": path.stat().st_size,
                   "mode": 0o755 if os.access(path, os.X_OK) else 0o644}
             for rel, path in _app_files(app_dir)}
    if not files:
        raise UpdateRefused(f"目录 {app_dir} 中没有可打包的文件。")
    # The package metadata the running program reads its version from (kiosk/station/version.py).
    generated = {f"{dist_info_name(str(version))}/METADATA": metadata_text(str(version)).encode("utf-8")}
    for rel, data in generated.items():
        files[rel] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data), "mode": 0o644}
    manifest = {"format": FORMAT, "product": PRODUCT, "version": str(version),
                "created_at": signing.rfc3339(time.time() if now is None else now), "files": files}
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")
    signature = signing.b64(key.sign(manifest_bytes)).encode("ascii")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(out, 0o644) as handle, tarfile.open(fileobj=handle, mode="w:gz") as tar:
        for name, data in ((MANIFEST, manifest_bytes), (SIGNATURE, signature)):
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), 0o644, int(time.time())
            tar.addfile(info, io.BytesIO(data))
        for rel, path in _app_files(app_dir):
            tar.add(path, arcname=APP + rel, recursive=False)
        for rel, data in generated.items():
            info = tarfile.TarInfo(APP + rel)
            info.size, info.mode, info.mtime = len(data), 0o644, int(time.time())
            tar.addfile(info, io.BytesIO(data))
    return manifest


def _safe_relative(name: str) -> str | None:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts or "\\" in name:
        return None
    return path.as_posix()


def read_manifest(tar: tarfile.TarFile, platform_key: bytes) -> dict[str, Any]:
    """The manifest after its signature has been checked against the pinned key."""
    try:
        manifest_bytes = _member_bytes(tar, MANIFEST, 4 << 20)
    except KeyError:
        raise UpdateRefused("这不是自助终端的更新包（缺少 manifest.json）。", "invalid") from None
    try:
        signature = _member_bytes(tar, SIGNATURE, 4096).decode("ascii").strip()
    except KeyError:
        raise UpdateRefused("更新包没有签名，不能安装。请使用省平台发布的更新包。", "bad_signature") from None
    except UnicodeDecodeError:
        signature = ""
    if not signing.verify(platform_key, signature, manifest_bytes):
        raise UpdateRefused("更新包的签名与本机登记的省平台公钥不符（包被改动过，或不是省平台发布的），"
                            "不能安装。", "bad_signature")
    try:
        manifest = json.loads(manifest_bytes.decode("utf-8"))
        files = manifest["files"]
        if manifest.get("format") != FORMAT or manifest.get("product") != PRODUCT \
                or not isinstance(files, dict) or not files or len(files) > MAX_FILES:
            raise ValueError
        for rel, entry in files.items():
            if _safe_relative(rel) != rel or not isinstance(entry, dict) \
                    or not isinstance(entry.get("sha256"), str):
                raise ValueError
        str(manifest["version"])
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise UpdateRefused("更新包的清单格式不对，不能安装。", "invalid") from None
    return manifest


def _member_bytes(tar: tarfile.TarFile, name: str, limit: int) -> bytes:
    member = tar.getmember(name)
    if not member.isfile() or member.size > limit:
        raise UpdateRefused(f"更新包中的 {name} 不是普通文件或过大，不能安装。", "invalid")
    handle = tar.extractfile(member)
    assert handle is not None
    return handle.read()


def installed_version(root: Path, fallback: str | None = None) -> str | None:
    """The version `current` points at (its signed manifest, else its main.py), else `fallback`."""
    return versions.version_of(versions.current_dir(Path(root))) or fallback


def _dependencies(tree: Path | None) -> list[str] | None:
    """`project.dependencies` of a program tree's pyproject.toml (None: no such file to compare)."""
    import tomllib

    if tree is None:
        return None
    try:
        with (tree / "pyproject.toml").open("rb") as fh:
            return sorted(str(d) for d in tomllib.load(fh).get("project", {}).get("dependencies", []))
    except (OSError, tomllib.TOMLDecodeError):
        return None


def apply_package(package: Path, root: Path, platform_key: bytes | None,
                  current_version: str | None) -> dict[str, Any]:
    """Check and install `package` under `root`/versions and switch `root`/current to it.

    Raises UpdateRefused (nothing changed: `current` still points at the old version)."""
    if platform_key is None:
        raise UpdateRefused("本机尚未注册，没有登记省平台公钥，无法核验更新包。请先完成注册。",
                            "not_enrolled")
    root = Path(root)
    try:
        tar = tarfile.open(package, "r:*")  # noqa: SIM115 - closed by the `with tar` below
    except FileNotFoundError:
        raise UpdateRefused(f"找不到更新包 {package}。", "invalid") from None
    except (tarfile.TarError, OSError, EOFError):
        raise UpdateRefused(f"{package} 不是有效的更新包（文件损坏或格式不对）。", "invalid") from None
    with tar:
        manifest = read_manifest(tar, platform_key)
        version = str(manifest["version"])
        if current_version is not None and version_key(version) <= version_key(current_version):
            raise UpdateRefused(f"更新包版本 {version} 不比正在使用的 {current_version} 新，未安装。",
                                "not_newer")
        folder = root / "versions"
        target = folder / version
        if target.exists():
            raise UpdateRefused(f"版本 {version} 已经装在 {target}，未重复安装。", "not_newer")
        folder.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f"{version}.partial-", dir=folder))
        try:
            _extract_checked(tar, manifest["files"], staging)
            wanted, present = _dependencies(staging), _dependencies(versions.current_dir(root))
            if wanted is not None and present is not None and wanted != present:
                raise UpdateRefused(
                    f"版本 {version} 需要不同的 Python 软件包（pyproject.toml 的 dependencies 有变化），"
                    "不能用更新包安装：请用该版本的安装程序 install-station.sh 安装，"
                    "它会同时更新 Python 环境。", "dependencies_changed")
            (staging / ".update-manifest.json").write_text(
                json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
            # Bytecode now, by the interpreter that will run it: the service user cannot write
            # __pycache__ into the installed tree (packages never carry .pyc files).
            compileall.compile_dir(str(staging), quiet=2, workers=0)
            staging.chmod(0o755)
            os.replace(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    versions.switch_to(root, target, on_trial=True)
    versions.prune(root)
    return manifest


def _extract_checked(tar: tarfile.TarFile, files: dict[str, dict], staging: Path) -> None:
    """Write every listed file, checking its hash; refuse anything unlisted, linked or missing."""
    seen: set[str] = set()
    for member in tar:
        if member.name in (MANIFEST, SIGNATURE):
            continue
        rel = _safe_relative(member.name[len(APP):]) if member.name.startswith(APP) else None
        if member.isdir() and rel is not None:
            continue
        if rel is None or rel not in files or not member.isfile():
            raise UpdateRefused(f"更新包中有清单以外的内容（{member.name}），包被改动过，未安装。",
                                "tampered")
        handle = tar.extractfile(member)
        assert handle is not None
        out = staging / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        with out.open("wb") as fh:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
                fh.write(chunk)
        if digest.hexdigest() != files[rel]["sha256"]:
            raise UpdateRefused(f"更新包中的文件 {rel} 与签名清单不符（被改动过），未安装。", "tampered")
        out.chmod(0o755 if int(files[rel].get("mode", 0o644)) & 0o111 else 0o644)
        seen.add(rel)
    missing = sorted(set(files) - seen)
    if missing:
        raise UpdateRefused(f"更新包缺少清单中的文件（如 {missing[0]}），未安装。", "tampered")
