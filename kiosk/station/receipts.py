"""The receipt: one builder for the first print and every reprint.

Why one, and why a record: what a receipt states (which items, promised by when, which papers
were handed in, fetched from the government, made by the application itself, replaced by a
commitment or owed, who applied and through which proxy agent) is evidence the resident keeps.
Those facts are frozen into a `record` when the application is saved and stored with it (the
store keeps it encrypted beside the submission); every print — the first one, a resident's
再打印凭条, staff's 补打 — is built from that same record by `build`. A reprint can therefore never
state other facts than the original, nor recompute a promised date from today's catalogue; it
only adds that it is a 补打, when, the platform's reference once known, and the status then.

The record holds names and ID numbers masked (the receipt prints nothing more).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from devices.idcard.card import mask_id_number, mask_name
from forms.workdays import chinese_date

if TYPE_CHECKING:   # the printer's layout pulls in numpy: loaded when a receipt is built (a worker)
    from devices.printer.receipt import Receipt

RECORD_VERSION = 1


def record(facts: dict[str, Any], *, applicant: dict[str, Any], agent: dict[str, Any] | None,
           provided: int, saved_at: dt.datetime) -> dict[str, Any]:
    """The receipt's facts, from the form's `receipt_facts()` at the moment of saving (JSON)."""
    return {
        "version": RECORD_VERSION,
        "saved_at": saved_at.isoformat(timespec="seconds"),
        "bundle_name": facts["bundle_name"],
        "items": [{"name": i["name"], "code": i.get("code", ""), "promised_date": i["promised_date"]}
                  for i in facts["items"]],
        "provided": provided,
        "held_by_government": [m["name"] for m in facts.get("held_by_government", [])],
        "produced": [m["name"] for m in facts.get("produced", [])],
        "promised": [m["name"] for m in facts.get("promised", [])],
        "deferred": [{"name": d["name"], "due_date": d["due_date"]} for d in facts.get("deferred", [])
                     if d.get("due_date")],
        "applicant_name": mask_name(str(applicant.get("name", ""))),
        "applicant_id": mask_id_number(str(applicant.get("id_number", ""))),
        "agent_name": mask_name(str(agent.get("name", ""))) if agent else "",
        # 通办: items this station did not take, each with where to go (forms.handling)
        "elsewhere": [str(s) for s in facts.get("elsewhere", [])],
    }


def build(saved: dict[str, Any], *, reference: str, station_name: str, hotline: str,
          platform_reference: str = "", status: str = "",
          reprinted_at: dt.datetime | None = None) -> Receipt:
    """The receipt of a saved application, from its record. `reprinted_at` makes it a 补打, with
    the platform's reference and the status in words as they are then."""
    from devices.printer.receipt import OwedMaterial, Receipt, ReceiptItem

    def day(iso: str | None) -> dt.date | None:
        return dt.date.fromisoformat(iso) if iso else None

    return Receipt(
        station_name=station_name,
        applied_at=dt.datetime.fromisoformat(saved["saved_at"]),
        bundle_name=saved["bundle_name"],
        reference=reference,
        applicant_name=saved["applicant_name"],
        applicant_id_number=saved["applicant_id"],
        items=tuple(ReceiptItem(i["name"], day(i["promised_date"])) for i in saved["items"]),
        provided=int(saved["provided"]),
        held_by_government=tuple(saved["held_by_government"]),
        produced=tuple(saved.get("produced", ())),
        promised=tuple(saved["promised"]),
        owed=tuple(OwedMaterial(d["name"], dt.date.fromisoformat(d["due_date"])) for d in saved["deferred"]),
        hotline=hotline,
        agent_name=saved.get("agent_name", ""),
        platform_reference=platform_reference if reprinted_at else "",
        status=status if reprinted_at else "",
        reprinted_at=reprinted_at,
        notes=tuple(f"本站不能办理：{sentence}" for sentence in saved.get("elsewhere", ())),
    )


def outcome(promised_date: str | None) -> str:
    """An item's outcome in words (as devices.printer.receipt.ReceiptItem prints it)."""
    if not promised_date:
        return "即办件，当场办结"
    return f"承诺件，{chinese_date(dt.date.fromisoformat(promised_date))}前办结"


def record_from_body(body: dict[str, Any], catalogue: Any, saved_at: dt.datetime) -> dict[str, Any]:
    """A record for an application saved before records were kept (its stored request body and
    the catalogue): promised dates counted from the day it was saved, not from today."""
    from forms.workdays import add_working_days

    try:
        bundle = catalogue.bundle(body.get("bundle_id", ""))
    except Exception:  # noqa: BLE001 - a bundle no longer in the catalogue: its id stands in
        bundle = None
    items = []
    for code in body.get("item_codes") or []:
        item = bundle.item(code) if bundle is not None else None
        promised = None
        if item is not None and item.kind != "immediate":
            promised = add_working_days(saved_at.date(), item.promised_days).isoformat()
        items.append({"name": item.name if item else str(code), "code": str(code), "promised_date": promised})

    def name_of(material_id: str) -> str:
        found = bundle.material(material_id) if bundle is not None else None
        return found.name if found else material_id

    def produced_here(material_id: str) -> bool:
        found = bundle.material(material_id) if bundle is not None else None
        return bool(found and found.produced_by and found.produced_by in (body.get("item_codes") or []))

    materials = body.get("materials") or []
    held = [m["material_id"] for m in materials if m.get("status") == "held_by_government"]
    facts = {
        "bundle_name": bundle.name if bundle else str(body.get("bundle_id", "")),
        "items": items,
        "held_by_government": [{"name": name_of(m)} for m in held if not produced_here(m)],
        "produced": [{"name": name_of(m)} for m in held if produced_here(m)],
        "promised": [{"name": name_of(m["material_id"])} for m in materials if m.get("status") == "promised"],
        "deferred": [{"name": name_of(m["material_id"]), "due_date": m.get("deferred_until")}
                     for m in materials if m.get("status") == "deferred"],
    }
    return record(facts, applicant=body.get("applicant") or {}, agent=body.get("agent"),
                  provided=sum(1 for m in materials if m.get("status") == "provided"), saved_at=saved_at)
