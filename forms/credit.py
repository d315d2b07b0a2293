"""Credit check (逢办必查) against a hashed snapshot of the platform's credit list.

Why hashes: the kiosk must check every applicant offline, but a list of plain ID numbers of
people under credit restrictions must never lie on a village PC. The platform publishes
`sha256(salt + id_number)` hex values and the salt (PLATFORM-API.md); the kiosk hashes the
applicant's number the same way and looks it up. Plain numbers are never stored or kept here.

Document format (the payload of GET /credit-list)::

    {"version": "2026-11-28.1", "salt": "<text>",
     "entries": [{"hash": "<64 hex>", "list": "dishonest_judgment_debtor", "reason": "失信被执行人",
                  "measures": ["限制申领补贴"], "since": "2025-03-01"}, ...]}

An entry may also be a bare hex string. `hit()` hashes UTF-8 `salt + id_number` with the number
normalised (no spaces, upper-case X).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from forms.errors import FormsError
from forms.validators import normalise_id_number

_HEX64 = re.compile(r"[0-9a-f]{64}")


class CreditListError(FormsError):
    """A credit-list document that is malformed."""


@dataclass(frozen=True)
class CreditEntry:
    hash: str
    list: str = ""
    reason: str = ""
    measures: tuple[str, ...] = ()
    since: str = ""

    @property
    def message(self) -> str:
        """What staff see (never shown to the queue behind the resident)."""
        text = self.reason or "信用记录提示"
        if self.measures:
            text += "（" + "、".join(self.measures) + "）"
        return text


@dataclass(frozen=True)
class CreditList:
    version: str
    salt: str
    _entries: Mapping[str, CreditEntry] = field(repr=False)

    @classmethod
    def from_document(cls, doc: Any) -> CreditList:
        version, salt, entries = parse_document(doc)
        return cls(version, salt, {entry.hash: entry for entry in entries})

    @staticmethod
    def digest(salt: str, id_number: str) -> str:
        """sha256(salt + id_number) hex, with the number normalised first."""
        return hashlib.sha256((salt + normalise_id_number(id_number)).encode("utf-8")).hexdigest()

    def hit(self, id_number: str) -> CreditEntry | None:
        """The entry for this person, or None when not on the list."""
        if not isinstance(id_number, str) or not id_number.strip():
            return None
        return self._entries.get(self.digest(self.salt, id_number))

    def __len__(self) -> int:
        return len(self._entries)


def parse_document(doc: Any) -> tuple[str, str, Iterator[CreditEntry]]:
    """(version, salt, entries) of a credit-list document; the entries are checked as they are
    iterated (CreditListError on the first bad one). One parser for the in-memory `CreditList`
    and for the store's SQLite index, so both read a document the same way; a generator, so the
    index of 1.7 million entries never holds them all as objects at once."""
    if not isinstance(doc, dict):
        raise CreditListError("信用名单应是一个 JSON 对象。")
    salt, version, entries = doc.get("salt"), doc.get("version", ""), doc.get("entries", [])
    if not isinstance(salt, str) or not salt:
        raise CreditListError("信用名单缺少加盐值 salt。")
    if not isinstance(version, str) or not isinstance(entries, list):
        raise CreditListError("信用名单的 version 应是文字，entries 应是列表。")
    return version, salt, _entries(entries)


def _entries(entries: list[Any]) -> Iterator[CreditEntry]:
    for n, raw in enumerate(entries, 1):
        if isinstance(raw, str):
            raw = {"hash": raw}
        if not isinstance(raw, dict) or not isinstance(raw.get("hash"), str):
            raise CreditListError(f"信用名单第 {n} 条缺少 hash。")
        digest = raw["hash"].strip().lower()
        if not _HEX64.fullmatch(digest):
            raise CreditListError(f"信用名单第 {n} 条的 hash 不是 64 位十六进制 SHA-256 值。")
        measures = raw.get("measures") or []
        yield CreditEntry(digest, str(raw.get("list", "")), str(raw.get("reason", "")),
                          tuple(str(m) for m in measures) if isinstance(measures, list) else (),
                          str(raw.get("since", "")))


def make_document(version: str, salt: str, people: list[dict[str, Any]]) -> dict[str, Any]:
    """Build a credit-list document from plain records (for the reference platform and tests):
    each record has "id_number" plus optional list/reason/measures/since. The output has no
    plain numbers."""
    entries = []
    for person in people:
        entry = {k: v for k, v in person.items() if k != "id_number"}
        entry["hash"] = CreditList.digest(salt, person["id_number"])
        entries.append(entry)
    return {"version": version, "salt": salt, "entries": entries}
