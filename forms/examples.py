"""Example answers files for every bundle (`catalogue example`): training, demos and tests.

Why stored variants rather than generated answers: a useful example must tell a story a trainer
can explain ("this one drops the social security card", "this one uses 容缺 and 告知承诺"), which
random data cannot. The variants live in forms/examples/<bundle id>.json; dates are written
relative to today (`@today-20d`) so an example never goes stale, and attachments are written as
`@sha256:<label>` (the SHA-256 of the label, standing in for a photographed page). Papers a
variant does not mention and that still need something are filled in as provided with such a
stand-in attachment, so every variant yields a complete payload.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from forms.catalogue import Catalogue, load_catalogue
from forms.engine import FormSession
from forms.errors import FormsError

EXAMPLES_DIR = Path(__file__).with_name("examples")
_TODAY = re.compile(r"@today(?:([+-])(\d+)d)?")


class ExampleError(FormsError):
    """No such example or variant."""


def _resolve(value: Any, today: date) -> Any:
    if isinstance(value, dict):
        return {k: _resolve(v, today) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, today) for v in value]
    if isinstance(value, str):
        match = _TODAY.fullmatch(value)
        if match:
            days = int(match.group(2) or 0) * (-1 if match.group(1) == "-" else 1)
            return (today + timedelta(days=days)).isoformat()
        if value.startswith("@sha256:"):
            return hashlib.sha256(value[len("@sha256:"):].encode("utf-8")).hexdigest()
    return value


def _variants(bundle_id: str) -> list[dict[str, Any]]:
    path = EXAMPLES_DIR / f"{bundle_id}.json"
    if not path.exists():
        raise ExampleError(f"“{bundle_id}”还没有示例答案。")
    return json.loads(path.read_text(encoding="utf-8"))["variants"]


def variant_titles(bundle_id: str) -> list[str]:
    return [v["title"] for v in _variants(bundle_id)]


def _merged(variants: list[dict[str, Any]], n: int) -> dict[str, Any]:
    variant = variants[n]
    if "base" not in variant:
        return copy.deepcopy(variant)
    base = _merged(variants, variant["base"])
    result = copy.deepcopy(base)
    result["title"] = variant["title"]
    if "applicant" in variant:
        result["applicant"] = copy.deepcopy(variant["applicant"])
    result["answers"].update(copy.deepcopy(variant.get("answers", {})))
    for material_id, choice in variant.get("materials", {}).items():
        if choice is None:
            result["materials"].pop(material_id, None)
        else:
            result["materials"][material_id] = copy.deepcopy(choice)
    return result


def example(bundle_id: str, variant: int = 0, *, catalogue: Catalogue | None = None,
            today: date | None = None, variants: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A complete answers file (the `catalogue fill` input) for the bundle's variant N. `variants`:
    the bundle's stored variants when they are not (yet) in forms/examples — a workbook being
    previewed before it is published."""
    catalogue = catalogue or load_catalogue()
    bundle = catalogue.bundle(bundle_id)
    variants = variants if variants is not None else _variants(bundle.id)
    if not 0 <= variant < len(variants):
        count = len(variants)
        raise ExampleError(f"“{bundle_id}”只有 {count} 个示例（--variant 0 到 {count - 1}）。")
    today = today or date.today()
    doc = _resolve(_merged(variants, variant), today)
    answers = {k: v for k, v in doc.get("answers", {}).items() if v not in (None, "")}
    materials: dict[str, Any] = dict(doc.get("materials", {}))
    session = FormSession(bundle, applicant=doc.get("applicant"), today=today, answers=answers)
    for line in session.materials():
        if line.material.id not in materials and line.status == "missing":
            label = f"example:{bundle.id}:{line.material.id}"
            materials[line.material.id] = {"status": "provided",
                                           "attachments": [hashlib.sha256(label.encode()).hexdigest()]}
    return {
        "bundle_id": bundle.id,
        "variant": variant,
        "title": doc["title"],
        "applicant": doc.get("applicant"),
        "agent": None,
        "answers": answers,
        "materials": materials,
    }
