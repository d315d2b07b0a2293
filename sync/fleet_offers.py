"""Acting on the fleet console's offers: fetch an offered catalogue or software package.

Why here, on the fleet report's thread (sync/fleet_report.py): the offers arrive in the answer to
a report, the thread already talks to the console with the station's key and a short timeout, and
it is never the GUI thread nor the outbox worker (a slow download never delays a resident's
application). One offer is handled per round; nothing here runs when the console is down.

Why the console is not trusted: it only hands on files the platform signed. Each file is checked
three times before it is used: its SHA-256 against the offer (a broken download), then the
platform's Ed25519 signature with the key pinned at enrollment, then its version against the one
in use (no replay of an old file). A catalogue goes through `sync.documents.take`, the very path
of a catalogue from the platform's /catalogue (catalogue checks, kept copy, `status` shows a
refusal). A software package cannot be installed from here: the kiosk runs unprivileged and the
install directory is root's. So it is only *staged* (DATA/updates/staged/<version>.tar.gz,
written whole or not at all, one at a time, only when the disk has room), and the root side,
`main.py update apply-staged` started by the systemd path unit station-kiosk-update.path, checks
the signature and installs it (installer/README.md).

Refusals are kept (DATA/updates/refused/<sha256>.json: kind, version, code, reason, at; a
refused package beside it for whoever investigates), so a refused file is never fetched again,
and the next fleet reports carry their codes (`offers_refused`). `sync` does not import `kiosk`:
the root side writes the same notes through `note_refused` below.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import time
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from sync import signing

log = logging.getLogger(__name__)

UPDATES_DIR = "updates"
STAGED, REFUSED = "staged", "refused"
PACKAGE_SUFFIX = ".tar.gz"
MAX_CATALOGUE = 32 * 1024 * 1024
MAX_PACKAGE = 512 * 1024 * 1024
DISK_MARGIN = 64 * 1024 * 1024   # left free after a download (the database and the logs need room)
RETRY_SUFFIX = ".retry"
RETRY_AFTER_S = 3600.0           # a package the root side parked is staged again after an hour
KEEP_REFUSED = 5                 # refused packages kept to look at (their notes are all kept)
REPORTED_REFUSALS = 8            # console_api.yaml Report.offers_refused maxItems
_SHA = re.compile(r"^[0-9a-f]{64}$")


def staged_dir(data_dir: Path | str) -> Path:
    return Path(data_dir) / UPDATES_DIR / STAGED


def refused_dir(data_dir: Path | str) -> Path:
    return Path(data_dir) / UPDATES_DIR / REFUSED


def staged_packages(data_dir: Path | str) -> list[Path]:
    """The packages waiting for the root side, oldest first (normally none or one)."""
    folder = staged_dir(data_dir)
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if p.name.endswith(PACKAGE_SUFFIX) and not p.name.startswith(".")]
    return sorted(found, key=lambda p: p.stat().st_mtime)


def park_for_retry(package: Path) -> Path:
    """The root side could not install it for a reason that may pass (the install disk full, the
    store unreadable): hide it from the path unit's glob (no start loop) and let the kiosk stage
    it again after RETRY_AFTER_S (`OfferAgent._stage`)."""
    parked = package.with_name(f".{package.name}{RETRY_SUFFIX}")
    os.replace(package, parked)
    os.utime(parked)
    return parked


def _parked(data_dir: Path | str) -> list[Path]:
    folder = staged_dir(data_dir)
    return sorted(folder.glob(f".*{PACKAGE_SUFFIX}{RETRY_SUFFIX}")) if folder.is_dir() else []


def refusals(data_dir: Path | str) -> dict[str, dict[str, Any]]:
    """Every file this station refused, by SHA-256: {kind, version, code, reason, at}."""
    folder = refused_dir(data_dir)
    found: dict[str, dict[str, Any]] = {}
    if not folder.is_dir():
        return found
    for note in folder.glob("*.json"):
        try:
            value = json.loads(note.read_text("utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(value, dict) and _SHA.match(note.stem):
            found[note.stem] = value
    return found


def reported_refusals(data_dir: Path | str) -> list[dict[str, str]]:
    """The newest refusals as the report carries them ({kind, version, code}; no free text)."""
    newest = sorted(refusals(data_dir).values(), key=lambda r: float(r.get("at") or 0), reverse=True)
    return [{"kind": str(r.get("kind")), "version": str(r.get("version")), "code": str(r.get("code"))}
            for r in newest[:REPORTED_REFUSALS]]


def note_refused(data_dir: Path | str, sha256: str, kind: str, version: str, code: str, reason: str,
                 package: Path | None = None, now: float | None = None) -> Path:
    """Keep why a file was refused (so it is not fetched again) and move a refused package out of
    the staging folder beside its note. Used by this module and by `update apply-staged` (root):
    the folder stays owned by the kiosk's user, so the kiosk can prune it."""
    from sync.durable import write_atomic

    folder = refused_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    note = folder / f"{sha256}.json"
    write_atomic(note, json.dumps({"kind": kind, "version": version, "code": code, "reason": reason,
                                   "at": time.time() if now is None else now},
                                  ensure_ascii=False).encode("utf-8"), 0o644)
    if package is not None and package.exists():
        os.replace(package, folder / f"{sha256}{PACKAGE_SUFFIX}")
        kept = sorted(folder.glob(f"*{PACKAGE_SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in kept[KEEP_REFUSED:]:
            old.unlink(missing_ok=True)
    _same_owner_as_parent(folder, note, folder / f"{sha256}{PACKAGE_SUFFIX}")
    return note


def _same_owner_as_parent(folder: Path, *paths: Path) -> None:
    """Written by root (apply-staged): hand the files to the data folder's owner, the kiosk."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return
    owner = folder.parent.stat()
    for path in (folder, *paths):
        with contextlib.suppress(OSError):
            os.chown(path, owner.st_uid, owner.st_gid)


class Transient(Exception):
    """The file could not be fetched now (console away, disk full): try again next round."""


class OfferAgent:
    """`act(offers)`: handle the first offer that asks for something (one download per round).

    `software_version` is the running version; `catalogue_version()` the catalogue in use when
    the station has not downloaded one (the shipped one). Returns a word for the log and tests:
    "none", "staged", "updated", "refused", "waiting" (a package is staged already), "later"."""

    def __init__(self, store, key, console_url: str, *, station_id: str, software_version: str,  # noqa: ANN001
                 catalogue_version=lambda: None, session=None, timeout_s: float = 30.0) -> None:  # noqa: ANN001
        import requests

        self.store = store
        self.key = key
        self.base = console_url.rstrip("/") + "/"
        self.station_id = station_id
        self.software_version = software_version
        self.catalogue_version = catalogue_version
        self.timeout_s = timeout_s
        self.session = session or requests.Session()
        self.session.trust_env = False
        self.data_dir = Path(store.data_dir)
        self.last_problem: str | None = None

    def act(self, offers: list[dict[str, Any]]) -> str:
        from sync.documents import version_key

        refused = refusals(self.data_dir)
        for offer in offers if isinstance(offers, list) else []:
            if not isinstance(offer, dict) or not _SHA.match(str(offer.get("sha256") or "")):
                continue                # an offer from a console before contract 1.1
            kind, version, sha = offer.get("kind"), str(offer.get("version") or ""), offer["sha256"]
            if sha in refused or not version:
                continue
            in_use = self.software_version if kind == "software" else self._catalogue_in_use()
            if in_use is not None and version_key(version) <= version_key(in_use):
                continue
            try:
                if kind == "software":
                    return self._stage(offer)
                if kind == "catalogue":
                    return self._catalogue(offer)
            except Transient as exc:
                self.last_problem = str(exc)
                log.info("offer %s %s not fetched: %s", kind, version, exc)
                return "later"
        return "none"

    def _catalogue_in_use(self) -> str | None:
        from sync.documents import version_key

        info = self.store.document_info("catalogue")
        shipped = self.catalogue_version()
        downloaded = info["version"] if info else None
        if downloaded and (shipped is None or version_key(downloaded) > version_key(shipped)):
            return downloaded
        return shipped or downloaded

    # -- the two kinds ---------------------------------------------------------------------------
    def _catalogue(self, offer: dict[str, Any]) -> str:
        from sync.client import DocumentRefused
        from sync.documents import take
        from sync.enrollment import platform_key

        key = platform_key(self.store)
        if key is None:
            raise Transient("本机尚未注册，没有省平台公钥，暂不下载事项目录")
        data = b"".join(self._download(offer, MAX_CATALOGUE))
        if hashlib.sha256(data).hexdigest() != offer["sha256"]:
            return self._refuse(offer, "sha_mismatch", "下载的事项目录与管控平台给出的校验值不一致，未使用。")
        try:
            body = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            body = None
        if isinstance(body, dict) and str(body.get("version")) != str(offer["version"]):
            return self._refuse(offer, "invalid", "下载的事项目录版本号与管控平台所说的不一致，未使用。")
        try:
            take(self.store, "catalogue", body, None, key)
        except DocumentRefused as exc:
            return self._refuse(offer, exc.code, str(exc))
        self.store.audit("catalogue_updated", {"version": str(offer["version"]), "source": "fleet_console"})
        return "updated"

    def _stage(self, offer: dict[str, Any]) -> str:
        if staged_packages(self.data_dir):
            return "waiting"            # one at a time: the root side has not taken the last one
        folder = staged_dir(self.data_dir)
        for parked in _parked(self.data_dir):
            if time.time() - parked.stat().st_mtime < RETRY_AFTER_S:
                return "waiting"
            os.replace(parked, folder / parked.name[1:-len(RETRY_SUFFIX)])
            return "staged"             # the root side tries it again
        folder.mkdir(parents=True, exist_ok=True)
        size = int(offer.get("size") or 0)
        free = shutil.disk_usage(folder).free
        if size > MAX_PACKAGE or free < size + DISK_MARGIN:
            raise Transient(f"磁盘剩余空间不足（需要 {(size + DISK_MARGIN) >> 20} MB），暂不下载更新包")
        from sync.durable import atomic_file

        name = re.sub(r"[^0-9A-Za-z._+-]", "_", str(offer["version"])) + PACKAGE_SUFFIX
        digest = hashlib.sha256()
        try:
            with atomic_file(folder / name, 0o644) as handle:
                for chunk in self._download(offer, MAX_PACKAGE):
                    digest.update(chunk)
                    handle.write(chunk)
                if digest.hexdigest() != offer["sha256"]:
                    raise _Mismatch
        except _Mismatch:
            return self._refuse(offer, "sha_mismatch", "下载的更新包与管控平台给出的校验值不一致，未安装。")
        except OSError as exc:          # the disk filled up meanwhile: nothing was left behind
            raise Transient(f"无法写入更新包：{exc.strerror or exc}") from None
        self.store.audit("update_staged", {"version": str(offer["version"]), "sha256": offer["sha256"]})
        log.info("update %s staged for the root side", offer["version"])
        return "staged"

    # -- helpers -------------------------------------------------------------------------------
    def _download(self, offer: dict[str, Any], limit: int):  # noqa: ANN202 - Iterator[bytes]
        """The file's bytes in chunks, from a signed GET of the offer's artifact path."""
        import requests

        url = urljoin(self.base, str(offer.get("artifact") or f"artifacts/{offer['sha256']}"))
        if urlsplit(url).netloc != urlsplit(self.base).netloc:
            raise Transient("发布文件的地址不在管控平台上，未下载")
        target = urlsplit(url).path + (f"?{urlsplit(url).query}" if urlsplit(url).query else "")
        now = self.store.now() + self.store.clock_offset_s
        headers = signing.sign_headers(self.key, self.station_id, "GET", target, b"", now)
        try:
            with self.session.get(url, headers=headers, timeout=self.timeout_s, stream=True) as response:
                if response.status_code != 200:
                    raise Transient(f"管控平台未给出发布文件（{response.status_code}）")
                received = 0
                for chunk in response.iter_content(1 << 16):
                    received += len(chunk)
                    if received > limit:
                        raise Transient("发布文件超过允许的大小，未下载")
                    yield chunk
        except requests.RequestException as exc:
            raise Transient(f"管控平台无法连接：{type(exc).__name__}") from None

    def _refuse(self, offer: dict[str, Any], code: str, reason: str) -> str:
        note_refused(self.data_dir, offer["sha256"], str(offer["kind"]), str(offer["version"]), code, reason)
        self.store.audit("offer_refused", {"kind": str(offer["kind"]), "version": str(offer["version"]),
                                           "code": code})
        log.warning("拒收管控平台提供的%s %s：%s", offer["kind"], offer["version"], reason)
        self.last_problem = reason
        return "refused"


class _Mismatch(Exception):
    pass
