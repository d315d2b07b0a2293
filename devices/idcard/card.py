"""The `IdCard` value every reader backend produces, whatever the card type or the wire.

Why one flat record for four card types: the screens, the form prefill and the diag JSON all want
the same named fields, and a field a card type does not carry is simply None. The field names are
the keys of the `diag id-reader` JSON (a contract), so `as_diag_dict()` is a plain mapping.

Personal data must never reach a log, so `repr()` masks the name and the number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

CardType = Literal["resident", "hk_mo_tw", "foreign_permanent", "foreign_2023"]

CARD_TYPES: tuple[CardType, ...] = ("resident", "hk_mo_tw", "foreign_permanent", "foreign_2023")

CARD_TYPE_NAMES: dict[CardType, str] = {
    "resident": "居民身份证",
    "hk_mo_tw": "港澳台居民居住证",
    "foreign_permanent": "外国人永久居留身份证（2017 版）",
    "foreign_2023": "外国人永久居留身份证（2023 版）",
}

DIAG_KEYS: tuple[str, ...] = (
    "card_type", "name", "name_en", "sex", "ethnicity", "birth_date", "address", "id_number",
    "issuer", "valid_from", "valid_to", "pass_number", "issue_count", "nationality", "photo_bytes",
)


@dataclass(frozen=True)
class IdCard:
    """What was read from one card. Dates are ISO strings `YYYY-MM-DD`; `valid_to` may be `长期`."""

    card_type: CardType
    name: str | None
    name_en: str | None
    sex: str
    ethnicity: str | None
    birth_date: str
    address: str | None
    id_number: str
    issuer: str | None
    valid_from: str
    valid_to: str
    pass_number: str | None = None
    issue_count: int | None = None
    nationality: str | None = None
    photo: bytes = field(default=b"", compare=True)

    def __repr__(self) -> str:  # never put a full name or number into a log line
        return (f"IdCard(card_type={self.card_type!r}, name={mask_name(self.name or self.name_en or '')!r}, "
                f"id_number={mask_id_number(self.id_number)!r}, photo={len(self.photo)} bytes)")

    __str__ = __repr__

    def as_diag_dict(self) -> dict[str, object]:
        """The `diag id-reader` JSON object: the fields, and the photo as its length only."""
        values = {key: getattr(self, key) for key in DIAG_KEYS if key != "photo_bytes"}
        values["photo_bytes"] = len(self.photo)
        return values


def mask_name(name: str) -> str:
    """张*明 style: keep the first and last character, star the middle; 张* for two characters."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_id_number(number: str) -> str:
    """First 3 and last 4 characters shown, the rest starred; never a full number on paper or in logs."""
    if len(number) <= 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]
