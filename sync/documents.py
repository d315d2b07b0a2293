"""Signed documents from the platform (事项目录 catalogue, 信用名单 credit list).

Why the checks are strict: a village network can be tampered with, and an old catalogue replayed
could resurrect withdrawn forms. So a document is taken only when its Ed25519 signature over the
payload bytes verifies with the platform key pinned at enrollment AND its version is not lower than
the one in use; otherwise the old document stays and staff get a Chinese message.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

from sync import signing
from sync.client import DocumentRefused, PlatformClient
from sync.store import Store

KINDS = {"catalogue": "/catalogue", "credit_list": "/credit-list"}
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
        raise DocumentRefused(f"{label}签名无效（可能被篡改），已保留原来的版本。")
    try:
        document = json.loads(payload)
    except (ValueError, RecursionError):  # RecursionError: nesting beyond Python's stack (issue 15)
        raise DocumentRefused(f"{label}内容无法解析，已保留原来的版本。") from None
    inner = str(document.get("version", version)) if isinstance(document, dict) else version
    if inner != version:
        raise DocumentRefused(f"{label}版本号前后不一致，已保留原来的版本。")
    if current_version is not None and version_key(version) < version_key(current_version):
        raise DocumentRefused(f"{label}版本 {version} 比正在使用的 {current_version} 旧，已保留原来的版本。")
    return version, payload, document


def refresh(store: Store, client: PlatformClient, kind: str, platform_key: bytes) -> str:
    """Fetch `kind` with ETag; returns "unchanged", "updated" (raises DocumentRefused / Transient)."""
    current = store.document_info(kind)
    reply = client.signed_document(KINDS[kind], current["etag"] if current else None)
    if reply.status == 304:
        return "unchanged"
    version, payload, document = verify_document(
        kind, reply.body, platform_key, current["version"] if current else None
    )
    if current and current["signature"] == reply.body["signature"]:
        return "unchanged"      # Ed25519 is deterministic: the same signature is the same payload
    save_verified(store, kind, version, reply.headers.get("ETag"), payload, reply.body["signature"], document)
    return "updated"


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
