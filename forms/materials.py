"""The materials engine: one set of papers for the whole bundle (一套材料).

Why a separate module: which papers are needed follows from which items apply, and what the
resident may do about each paper (hand it in, let the government fetch it, supply it later under
容缺受理, or sign a promise under 告知承诺) follows from the catalogue rules. Keeping those rules in one
place means the touch UI, the receipt and the payload can never disagree about them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from forms.catalogue import Bundle, Item, Material
from forms.conditions import Environment
from forms.errors import MaterialChoiceError
from forms.workdays import add_working_days

STATUSES = ("provided", "held_by_government", "deferred", "promised")
STATUS_NAMES = {"provided": "已提交", "held_by_government": "政府部门已有，无需提交", "deferred": "容缺后补",
                "promised": "告知承诺", "missing": "尚未提交"}


@dataclass(frozen=True)
class Choice:
    status: str
    attachments: tuple[str, ...] = ()


@dataclass(frozen=True)
class MaterialStatus:
    """One line of the merged material list."""

    material: Material
    status: str  # provided | held_by_government | deferred | promised | missing
    attachments: tuple[str, ...]
    due_date: date | None  # for deferred
    commitment_text: str | None  # for promised
    held_reason: str  # why the government already holds it ('' if not)
    needed_by: tuple[str, ...]  # names of the applicable items that need it
    can_defer: bool
    can_promise: bool
    can_fetch: bool

    @property
    def material_id(self) -> str:
        return self.material.id

    @property
    def name(self) -> str:
        return self.material.name

    @property
    def status_name(self) -> str:
        return STATUS_NAMES[self.status]

    @property
    def complete(self) -> bool:
        return self.status != "missing"

    def payload(self) -> dict:
        entry: dict = {"material_id": self.material.id, "status": self.status,
                       "attachments": list(self.attachments)}
        if self.status == "deferred" and self.due_date:
            entry["deferred_until"] = self.due_date.isoformat()
        return entry


def _held_reason(material: Material, applicable: dict[str, Item]) -> str:
    if material.produced_by and material.produced_by in applicable:
        return f"由本件事中的“{applicable[material.produced_by].name}”办理后产生，无需提交"
    if material.e_certificate:
        return f"可调取电子证照（{material.e_certificate}），无需提交"
    return ""


def merged_materials(bundle: Bundle, applicable: Iterable[Item], env: Environment, today: date,
                     choices: dict[str, Choice], scanned: dict[str, tuple[str, ...]]) -> list[MaterialStatus]:
    """The de-duplicated material list for the items that apply, with each paper's status.

    A paper is listed once however many items need it (the catalogue lists it once with every item
    code). Defaults: produced by an applicable earlier item, or available as an e-certificate →
    held_by_government; captured by a scan field → provided; otherwise missing until chosen.
    """
    items = {item.code: item for item in applicable}
    result: list[MaterialStatus] = []
    for material in bundle.materials:
        needing = [items[c] for c in material.items if c in items]
        if not needing:
            continue
        if material.required_if is not None and not material.required_if.holds(env):
            continue
        held = _held_reason(material, items)
        can_defer = bool(material.deferral_days) and all(i.allows_deferral for i in needing)
        can_promise = bool(material.commitment_text) and all(i.allows_commitment for i in needing)
        choice = choices.get(material.id)
        if choice is None and material.id in scanned:
            choice = Choice("provided", scanned[material.id])
        if choice is None and held:
            choice = Choice("held_by_government")
        status = choice.status if choice else "missing"
        if status == "held_by_government" and not held:
            status = "missing"  # an item that produced it was dropped after the choice was made
        if status == "deferred" and not can_defer or status == "promised" and not can_promise:
            status = "missing"  # rules changed under the choice (an answer changed the items)
        result.append(MaterialStatus(
            material=material, status=status,
            attachments=choice.attachments if choice and status == "provided" else (),
            due_date=add_working_days(today, material.deferral_days or 0) if status == "deferred" else None,
            commitment_text=material.commitment_text if status == "promised" else None,
            held_reason=held, needed_by=tuple(i.name for i in needing),
            can_defer=can_defer, can_promise=can_promise, can_fetch=bool(held)))
    return result


def validate_choice(line: MaterialStatus, status: str, attachments: tuple[str, ...],
                    is_sha256: Callable[[str], bool]) -> None:
    """Raise MaterialChoiceError (Chinese) if `status` is not allowed for this paper now."""
    name = line.material.name
    if not isinstance(status, str) or status not in STATUSES:
        raise MaterialChoiceError(
            f"材料状态“{status}”无效，应为 provided、held_by_government、deferred 或 promised。")
    if status == "provided":
        if not attachments:
            raise MaterialChoiceError(f"请先拍摄“{name}”，再确认提交。")
        if not all(is_sha256(a) for a in attachments):
            raise MaterialChoiceError(f"“{name}”的附件应是 64 位十六进制的 SHA-256 摘要。")
    elif status == "held_by_government" and not line.can_fetch:
        raise MaterialChoiceError(f"“{name}”政府部门没有现成的电子版，请拍摄提交。")
    elif status == "deferred" and not line.can_defer:
        raise MaterialChoiceError(f"“{name}”不能容缺后补，请现在拍摄提交。")
    elif status == "promised" and not line.can_promise:
        raise MaterialChoiceError(f"“{name}”不能用告知承诺代替，请拍摄提交。")


def commitment(preamble: str, lines: Iterable[MaterialStatus]) -> dict | None:
    """The one commitment text the resident signs for every promised paper, with its SHA-256."""
    promised = [line for line in lines if line.status == "promised" and line.commitment_text]
    if not promised:
        return None
    body = "\n".join(f"{n}. {line.commitment_text}" for n, line in enumerate(promised, 1))
    text = f"{preamble}\n{body}"
    return {"text": text, "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()}


_SHA256_HEX = frozenset("0123456789abcdef")


def _is_sha256(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 64 and set(value) <= _SHA256_HEX


def commitment_problems(body: Any) -> dict[str, str]:
    """The 告知承诺 rule on a complete submission body (POST /submissions, after the store added
    the signature): a paper marked "promised" stands only on a commitment that carries the hash
    of its text and the resident's signature. {field: Chinese message}, empty when it holds.

    Why here: the rule is the forms engine's (a promise replaces a paper); `queue add` checks it
    before saving and the reference platform checks it on arrival, with this one function.
    """
    if not isinstance(body, dict):
        return {}
    papers = body.get("materials")
    if not isinstance(papers, list) or not any(
            isinstance(m, dict) and m.get("status") == "promised" for m in papers):
        return {}
    commitment = body.get("commitment")
    if not isinstance(commitment, dict):
        return {"commitment": "有以告知承诺代替的材料，但没有承诺书：请申请人阅读承诺内容并签名。"}
    problems: dict[str, str] = {}
    if not _is_sha256(commitment.get("text_sha256")):
        problems["commitment.text_sha256"] = "承诺书缺少承诺内容的摘要（text_sha256），请重新生成承诺书。"
    if not _is_sha256(commitment.get("signature_attachment")):
        problems["commitment.signature_attachment"] = (
            "告知承诺须有申请人的签名，现在没有：请申请人在承诺书上签名。")
    return problems
