"""The reference platform's side of 通办 and 立等可取 (contract 1.2).

**通办**: a submission may name, per item, the division whose department handles it (`handling`,
forms.handling on the kiosk). The platform checks its shape (`handling_problems`; a submission
without it is contract 1.1 and still accepted) and keeps it with the body; `handling_of` reads it
back for the officer.

**立等可取**: a real platform decides a 即办件 at the counter's pace: its own checks pass, the
officer (or its rules engine) approves, and the e-certificate is issued within the minute. The
reference platform stands in for that with a configured automatic decision
(`PlatformService.decide_immediate`, on in the demo and with `platform --decide-immediate`): a
submission is completed at once, with a certificate, only when

1. every item it names is 即办 (`kind: immediate`) in the catalogue the platform publishes,
2. no paper is owed: nothing 以后补交 (容缺) or replaced by a 告知承诺 — those need an officer's
   follow-up, so a person decides them in the ordinary way,
3. the applicant is not on the credit list the platform publishes (逢办必查), and
4. it is new (a replay changes nothing).

Anything else stays `received` for an officer, exactly as before.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sync.platform.service import PlatformService

HANDLED_WHERE = ("local", "city", "province", "country", "unknown")
_DIVISION = re.compile(r"^[0-9]{6}$")      # ASCII digits only
INSTANT_MESSAGE = "即办件，平台已当场办结，结果已出具"


def handling_problems(body: dict[str, Any]) -> dict[str, str]:
    """Field → Chinese problem for a malformed `handling` (absent or null is fine)."""
    handling = body.get("handling")
    if handling is None:
        return {}
    if not isinstance(handling, list):
        return {"handling": "应为列表"}
    codes = body.get("item_codes") if isinstance(body.get("item_codes"), list) else []
    problems: dict[str, str] = {}
    for i, entry in enumerate(handling):
        where = f"handling[{i}]"
        if not isinstance(entry, dict):
            problems[where] = "应为对象"
            continue
        if entry.get("item_code") not in codes:
            problems[f"{where}.item_code"] = "不是本申请的事项"
        if entry.get("handled_where") not in HANDLED_WHERE:
            problems[f"{where}.handled_where"] = "应为 local、city、province、country 或 unknown"
        if not isinstance(entry.get("division_code"), str) or not _DIVISION.match(entry["division_code"]):
            problems[f"{where}.division_code"] = "应为 6 位行政区划代码"
        if not isinstance(entry.get("handled_by"), str) or not entry["handled_by"].strip():
            problems[f"{where}.handled_by"] = "缺少办理部门"
    return problems


def handling_of(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The stored body's `handling` entries (empty for a contract 1.1 submission)."""
    handling = body.get("handling")
    return [h for h in handling if isinstance(h, dict)] if isinstance(handling, list) else []


def _on_credit_list(service: PlatformService, applicant: dict[str, Any]) -> bool:
    doc = service._document_source("credit_list")  # noqa: SLF001 - the list the platform publishes
    number = str(applicant.get("id_number") or "").strip().upper()
    digest = hashlib.sha256((str(doc.get("salt", "")) + number).encode()).hexdigest()
    return any((e.get("hash") if isinstance(e, dict) else e) == digest for e in doc.get("entries") or [])


def _catalogue(service: PlatformService, station: str):  # noqa: ANN202 - forms.Catalogue (also the certificates' facts)
    """The catalogue `station` is offered (its ring's newest release, else the base one: the one
    its application was made under), parsed once per document (its ETag): the signed document is
    cached by the service already, parsing it costs a third of a second."""
    import forms

    payload, _, _, etag = service.station_document(station, "catalogue")
    cache = service.__dict__.setdefault("_instant_catalogues", {})
    if etag not in cache:
        if len(cache) > 8:          # a handful of published versions at most; never grows unbounded
            cache.clear()
        cache[etag] = forms.Catalogue.from_document(json.loads(payload))
    return cache[etag]


def why_not_at_once(service: PlatformService, station: str, body: dict[str, Any]) -> str | None:
    """None when the platform's own checks let it decide `body` at once; else why not (English,
    for the log: the application simply waits for an officer)."""
    codes = body.get("item_codes")
    if not isinstance(codes, list) or not codes:
        return "no items"
    try:
        bundle = _catalogue(service, station).bundle(str(body.get("bundle_id") or ""))
    except Exception:  # noqa: BLE001 - a bundle the catalogue does not have: an officer decides
        return "bundle not in the catalogue"
    for code in codes:
        item = bundle.item(code)
        if item is None or item.kind != "immediate":
            return f"item {code} is not immediate"
    for material in body.get("materials") or []:
        if isinstance(material, dict) and material.get("status") in ("deferred", "promised"):
            return "a paper is owed (容缺 or 告知承诺)"
    if _on_credit_list(service, body.get("applicant") or {}):
        return "applicant on the credit list"
    return None


def decide_at_once(service: PlatformService, station: str, results: list[tuple[int, dict[str, Any]]],
                   bodies: list[Any]) -> None:
    """After new submissions were stored (201): complete those the checks allow, with a
    certificate (a status change the station pulls like any other)."""
    if not service.decide_immediate:
        return
    for (status, response), body in zip(results, bodies, strict=True):
        if status != 201 or not isinstance(body, dict) or why_not_at_once(service, station, body) is not None:
            continue
        service.advance(response["platform_reference"], "completed", certificate=True,
                        message=INSTANT_MESSAGE, only_from="received")
