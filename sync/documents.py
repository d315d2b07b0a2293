"""Signed documents from the platform (事项目录 catalogue, 信用名单 credit list).

Why the checks are strict: a village network can be tampered with, and an old catalogue replayed
could resurrect withdrawn forms. So a document is taken only when its Ed25519 signature over the
payload bytes verifies with the platform key pinned at enrollment AND its version is not lower than
the one in use; otherwise the old document stays and staff get a Chinese message.
"""

from __future__ import annotations

import base64
import json
import logging
import re
from pathlib import Path
from typing import Any

from sync import signing
from sync.client import DocumentRefused, PlatformClient
from sync.store import Store

log = logging.getLogger("sync.documents")
KINDS = {"catalogue": "/catalogue", "credit_list": "/credit-list"}
# The last catalogue refused (store setting, JSON {"version", "reason", "at"}): `status` shows it;
# cleared when a catalogue is taken.
CATALOGUE_REFUSED = "catalogue_refused"
# Every catalogue taken stays in the data folder, one signed file per version (the platform's
# envelope: version, payload, signature), so what a station ran under can be looked at later.
CATALOGUE_COPIES = "catalogues"
_LABELS = {"catalogue": "事项目录", "credit_list": "信用名单"}


def version_key(version: str) -> tuple:
    """Natural order: "2026.10" < "2026.9"? No: numbers compare as numbers, text as text."""
    parts = re.findall(r"[0-9]+|[^0-9.\-_]+", str(version))
    return tuple((0, int(p), "") if p.isascii() and p.isdigit() else (1, 0, p) for p in parts)


def verify_document(
    kind: str, reply_body: dict[str, Any], platform_key: bytes, current_version: str | None
) -> tuple[str, bytes, dict[str, Any]]:
    """(version, payload bytes, parsed document) or DocumentRefused with a Chinese reason."""
    label = _LABELS[kind]
    try:
        payload = base64.b64decode(reply_body["payload"], validate=True)
        signature = reply_body["signature"]
        version = str(reply_body["version"])
    except (KeyError, TypeError, ValueError):
        raise DocumentRefused(f"{label}格式不对，已保留原来的版本。") from None
    if not signing.verify(platform_key, signature, payload):
        raise DocumentRefused(f"{label}签名无效（可能被篡改），已保留原来的版本。", "bad_signature")
    try:
        document = json.loads(payload)
    except (ValueError, RecursionError):  # RecursionError: nesting beyond Python's stack (issue 15)
        raise DocumentRefused(f"{label}内容无法解析，已保留原来的版本。") from None
    inner = str(document.get("version", version)) if isinstance(document, dict) else version
    if inner != version:
        raise DocumentRefused(f"{label}版本号前后不一致，已保留原来的版本。")
    if current_version is not None and version_key(version) < version_key(current_version):
        raise DocumentRefused(f"{label}版本 {version} 比正在使用的 {current_version} 旧，已保留原来的版本。",
                              "not_newer")
    return version, payload, document


def refresh(store: Store, client: PlatformClient, kind: str, platform_key: bytes) -> str:
    """Fetch `kind` with ETag; returns "unchanged", "updated" (raises DocumentRefused / Transient).
    A catalogue is also checked as `catalogue validate` checks one before it is taken; the one in
    use stays until then (the kiosk's sessions already running keep theirs in any case)."""
    current = store.document_info(kind)
    reply = client.signed_document(KINDS[kind], current["etag"] if current else None)
    if reply.status == 304:
        return "unchanged"
    return take(store, kind, reply.body, reply.headers.get("ETag"), platform_key)


def take(store: Store, kind: str, body: Any, etag: str | None, platform_key: bytes) -> str:
    """Check a signed document (the platform's envelope {version, payload, signature}) and keep
    it: "updated" or "unchanged", or DocumentRefused (noted for `status` when a catalogue). The
    one path for a document from the platform's /catalogue and for the same envelope handed on
    by the fleet console (sync/fleet_offers.py): wherever it came from, only the pinned key,
    the catalogue checks and a version not older than the one in use let it in."""
    current = store.document_info(kind)
    try:
        if not isinstance(body, dict):
            raise DocumentRefused(f"{_LABELS[kind]}格式不对，已保留原来的版本。")
        version, payload, document = verify_document(
            kind, body, platform_key, current["version"] if current else None
        )
        if current and current["signature"] == body["signature"]:
            return "unchanged"      # Ed25519 is deterministic: the same signature is the same payload
        if kind == "catalogue":
            _check_catalogue(document)
    except DocumentRefused as exc:
        if kind == "catalogue":
            _note_refused(store, body, str(exc))
        raise
    if kind == "catalogue":
        _keep_copy(store, version, body)
    save_verified(store, kind, version, etag, payload, body["signature"], document)
    if kind == "catalogue" and store.setting(CATALOGUE_REFUSED):
        store.set_setting(CATALOGUE_REFUSED, "")
    return "updated"


def _check_catalogue(document: Any) -> None:
    """The checks of `catalogue validate` (forms: schema and cross-references)."""
    from forms.catalogue import Catalogue
    from forms.errors import CatalogueError

    try:
        Catalogue.from_document(document, source="下载的事项目录")
    except CatalogueError as exc:
        first = exc.problems[0].rstrip("。") if exc.problems else ""
        raise DocumentRefused(f"事项目录内容有误（{first}），已保留原来的版本。") from None


def _note_refused(store: Store, body: Any, reason: str) -> None:
    version = body.get("version") if isinstance(body, dict) else None
    log.warning("拒收事项目录 %s：%s", version or "（无版本号）", reason)
    store.set_setting(CATALOGUE_REFUSED, json.dumps(
        {"version": str(version) if version is not None else None, "reason": reason,
         "at": signing.rfc3339(store.now())}, ensure_ascii=False))


def _keep_copy(store: Store, version: str, body: dict[str, Any]) -> None:
    from sync.durable import write_atomic

    folder = Path(store.data_dir) / CATALOGUE_COPIES
    folder.mkdir(exist_ok=True)
    name = re.sub(r"[^0-9A-Za-z._-]", "_", version)
    write_atomic(folder / f"catalogue-{name}.json", json.dumps(
        {"version": version, "payload": body["payload"], "signature": body["signature"]}).encode(), 0o644)


def refused_catalogue(store: Store) -> dict[str, Any] | None:
    """The last catalogue refused and why ({"version", "reason", "at"}), or None."""
    raw = store.setting(CATALOGUE_REFUSED)
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


def save_verified(store: Store, kind: str, version: str, etag: str | None, payload: bytes, signature: str,
                  document: Any) -> None:
    """Keep a document that `verify_document` accepted; a credit list is indexed in the same step
    (the list in use and its index never disagree)."""
    if kind == "credit_list":
        _save_credit_list(store, version, document, (etag, payload, signature))
    else:
        store.save_document(kind, version, etag, payload, signature)


def _save_credit_list(store: Store, version: str, document: Any,
                      row: tuple[str | None, bytes, str] | None) -> bool:
    """Index the verified list (and with `row`, save it in the same commit). A signed list that
    cannot be read is refused like a bad signature: the list in use stays."""
    from forms.credit import CreditListError, parse_document

    try:
        _, salt, entries = parse_document(document)
        return store.save_credit_list(version, salt, entries, document=row)
    except CreditListError as exc:
        raise DocumentRefused(f"信用名单内容有误（{exc}），已保留原来的版本。") from None


def index_credit_list(store: Store) -> bool:
    """Build the index of the stored (already verified) credit list when it has none or an older
    one: a store from before the index existed. Slow for a big list: call it off the GUI thread.
    Returns whether an index matching the stored list is in place."""
    info = store.credit_index_info()
    if info is None:
        return False
    if info["current"]:
        return True
    current = store.document("credit_list")
    if current is None:
        return False
    try:
        return _save_credit_list(store, current["version"], json.loads(current["payload"]), None)
    except (DocumentRefused, ValueError):
        return False


def load(store: Store, kind: str) -> dict[str, Any] | None:
    """The document in use (already verified when it was saved), parsed."""
    current = store.document(kind)
    return json.loads(current["payload"]) if current else None


def catalogue_in_use(store: Store | None):  # noqa: ANN201 - forms.Catalogue (forms loads lazily)
    """The catalogue a new application starts under: the station's downloaded copy (verified and
    checked when it was taken) when it is newer than the one shipped with the software, else the
    shipped one. A stored copy that no longer builds (a software update made its format stricter)
    falls back to the shipped one, never to nothing."""
    from forms.catalogue import INDEX_NAME, SHIPPED_DIR, Catalogue, load_catalogue, version_key
    from forms.errors import CatalogueError

    doc = load(store, "catalogue") if store is not None else None
    try:    # the shipped version from its index alone: building a catalogue costs 0.15 s
        shipped = str(json.loads((Path(SHIPPED_DIR) / INDEX_NAME).read_text("utf-8"))["version"])
    except (OSError, ValueError, KeyError, TypeError):
        return load_catalogue()
    if not isinstance(doc, dict) or version_key(str(doc.get("version", ""))) <= version_key(shipped):
        return load_catalogue()
    try:
        return Catalogue.from_document(doc, source="本机保存的事项目录")
    except CatalogueError as exc:
        log.error("本机保存的事项目录 %s 无法使用，改用随软件发布的版本：%s", doc.get("version"),
                  exc.problems[:1])
        return load_catalogue()
