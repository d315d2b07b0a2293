"""Release files: registering one (`console add-release`) and serving it to signed stations.

Why the console hands out files it cannot vouch for: it is not trusted. A software package is the
signed tarball `update make` produced, a catalogue the signed envelope the platform serves on
/catalogue (`platform export-catalogue`); a station checks the platform's signature with the key it
pinned at enrollment before it uses either (sync/fleet_offers.py). The console only reads the
version out of the file (unverified) so staff cannot offer a file under a version it is not.

Why signed GETs: the files are the province's software; only stations the console knows may
fetch them, and the check is the one reports pass (console/ingest.py `Ingest.verify`: the
station's key, `GET\\n<path>\\n<ts>\\n<sha256 of the empty body>`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from pathlib import Path
from typing import Any

from flask import Flask, Response, request

from console.ingest import Ingest, Refused
from console.store import ARTIFACT_PATH, Store

KINDS = ("software", "catalogue")
MAX_ARTIFACT = 256 * 1024 * 1024   # an update package is a few MB; a catalogue far less
_SHA = re.compile(r"^[0-9a-f]{64}$")


class ReleaseProblem(Exception):
    """Why a file cannot be registered as a release (one Chinese sentence)."""


def release_version(kind: str, data: bytes, path: Path) -> str:
    """The version the file itself names: the package manifest's (sync/update_package.py reads
    it, unverified), or the catalogue envelope's (which must also be the version inside its
    payload, as a station checks)."""
    if kind == "software":
        from sync.update_package import NotAPackage, package_version

        try:
            return package_version(path)
        except NotAPackage as exc:
            raise ReleaseProblem(str(exc)) from None
    name = path.name
    try:
        envelope = json.loads(data.decode("utf-8"))
        version = str(envelope["version"])
        inner = json.loads(base64.b64decode(envelope["payload"], validate=True))
        if not isinstance(envelope["signature"], str) or str(inner.get("version", version)) != version:
            raise ValueError
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error, UnicodeDecodeError):
        raise ReleaseProblem(f"{name} 不是省平台签名的事项目录文件（应为 platform export-catalogue 导出的 "
                             ".json）。") from None
    return version


def add_release(store: Store, kind: str, path: Path) -> dict[str, Any]:
    """Read `path`, find its version, keep its bytes and register the release. ReleaseProblem when
    the file is not a release of `kind`, is too large, or its version is registered with other
    bytes (a version names one file for ever: stations compare versions, not contents)."""
    if kind not in KINDS:
        raise ReleaseProblem("--kind 只能是 software（软件更新包）或 catalogue（事项目录）。")
    try:
        if path.stat().st_size > MAX_ARTIFACT:
            raise ReleaseProblem(f"{path} 超过 {MAX_ARTIFACT >> 20} MB，不像是更新包或事项目录。")
        data = path.read_bytes()
    except OSError as exc:
        raise ReleaseProblem(f"无法读取 {path}：{exc.strerror or exc}。") from None
    version = release_version(kind, data, path)
    digest = hashlib.sha256(data).hexdigest()
    for old in store.releases(kind):
        if old["version"] == version and old["sha256"] and old["sha256"] != digest:
            raise ReleaseProblem(f"版本 {version} 已登记为另一个文件；同一版本号只能对应一个文件，"
                                 "请发布新的版本号。")
    return store.add_artifact(kind, version, data)


def register_routes(app: Flask, store: Store, ingest: Ingest) -> None:
    """GET /api/v1/artifacts/<sha256> for signed stations (console_api.yaml getArtifact)."""

    @app.get(f"{ARTIFACT_PATH}/<sha256>")
    def artifact(sha256: str) -> Any:
        target = request.full_path if request.query_string else request.path
        try:
            ingest.verify("GET", target, request.headers, b"")
        except Refused as exc:
            return _json(exc.status, exc.body())
        content = store.artifact(sha256) if _SHA.match(sha256) else None
        if content is None:
            return _json(404, {"error": "not_found", "message": "没有这个发布文件。"})
        return Response(content, 200, {"Content-Type": "application/octet-stream",
                                       "Cache-Control": "private, max-age=0",
                                       "X-Content-SHA256": sha256})


def _json(status: int, body: dict[str, Any]) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status, {"Content-Type": "application/json"})
