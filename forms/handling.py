"""通办: may this station take an item, and who will handle it (属地 / 全市通办 / 全省通办 / 跨省通办).

Each item says where it can be handled (`handled_where`). An item handled 属地 (`local`) is taken
only by a station in the resident's own county; 全市通办 (`city`) by a station anywhere in the
resident's city; 全省通办 (`province`) anywhere in Liaoning; 跨省通办 (`country`) anywhere. When a
station takes an item of someone registered elsewhere it only receives it (收受分离, 异地代收): the
department of the resident's own place decides, and the payload names that division, so the
platform routes the application there.

**Whose place.** The place that counts is the resident's household registration (户籍所在地),
taken, in this order, from:

1. the form's household answers: an address question about the 户籍 / 户口 (for example
   resident_pension's 户籍地址, newborn's 落户地址, after_death's 逝者户口所在地址, the elder's or
   the disabled person's 户籍地址). These are what the resident confirmed today, and they are about
   the person the matter concerns, who is not always the applicant (the deceased, the baby);
2. the address on the ID card: the registered address when the card was issued (a card is not
   renewed when its holder moves their 户口, so it can be years old);
3. the first six digits of the ID number — only the place of **first** registration (usually of
   birth), which never changes when the person moves, and may be a code that no longer exists.
   It is the last resort, and says at least the province (or the city when the code is known).

**居住证.** Some items are open to people registered elsewhere who live here on a 居住证 (老年人
优待证 for those 常住 in Liaoning, 灵活就业 and 城乡居民医保 参保 where one lives, 临时救助). Such an
item says when (`residence_if`, a condition on the form's 居住证 question, asked only of people
registered elsewhere): when it holds, the resident counts as living in this station's county for that
item — taken here and handled here. This is the only place the answer is read.

**Final or not.** A decision is `final` when no answer still to come can change it: the bundle has
no household question still open and the item's `residence_if` is already answered. On 办理须知 (the
card only) a refusal that is final is said plainly before any question: nothing the resident could
answer would let this station take it.

A person whose place cannot be told at all (an HMT or foreign permanent-residence number and no
household answer) is taken here and handled by this station's county, as at a counter; staff check.

Plain Python (no Qt): the kiosk's view-models, the payload and the tests use this one rule.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from forms import divisions

if TYPE_CHECKING:
    from forms.catalogue import Bundle, Item
    from forms.engine import FormSession

LABELS = {"local": "属地办理", "city": "全市通办", "province": "全省通办", "country": "跨省通办"}
# How many leading digits of two GB/T 2260 codes must agree, by level.
_DIGITS = {"local": 6, "city": 4, "province": 2, "country": 0}
_HOUSEHOLD_WORDS = ("户籍", "户口")


@dataclass(frozen=True)
class Place:
    """A GB/T 2260 code (county; or city `xxxx00`, or province `xx0000` when that is all that is
    known) and where it was learnt: household_answer | id_card_address | id_number |
    residence_permit (this station's county, for an item that takes a local 居住证)."""

    code: str
    source: str

    @property
    def precision(self) -> int:
        """How many leading digits of `code` are meaningful: 6 county, 4 city, 2 province."""
        if self.code.endswith("0000"):
            return 2
        if self.code.endswith("00"):
            return 4
        return 6


@dataclass(frozen=True)
class Handling:
    """The decision for one item at this station."""

    item_code: str
    item_name: str
    handled_where: str | None     # the item's level (None: the bundle did not say)
    here: bool                    # this station takes it
    division_code: str            # the division whose department handles it (or where to go)
    division_name: str            # e.g. 沈阳市和平区
    handled_by: str               # e.g. 沈阳市和平区民政部门
    collected_here: bool          # taken here for another division's department (代收)
    sentence: str                 # one plain sentence for the resident
    final: bool = True            # no answer still to come can change it (see the module docstring)
    department: str = ""          # the item's department, without the place (for 办理指引)

    def payload(self) -> dict[str, Any]:
        """The payload's `handling` entry (platform contract 1.2)."""
        return {"item_code": self.item_code, "handled_where": self.handled_where or "unknown",
                "division_code": self.division_code, "division_name": self.division_name,
                "handled_by": self.handled_by, "collected_by_other_division": self.collected_here}


def place_name(code: str) -> str:
    """沈阳市和平区 inside Liaoning (the province goes without saying), 吉林省 outside; a code no
    longer in the table (cards keep historical ones) by the nearest level that is known."""
    if code[:2] == divisions.LIAONING[:2]:
        city = divisions.LIAONING_CITIES.get(code[:4] + "00")
        county = divisions.LIAONING_COUNTIES.get(code[:4] + "00", {}).get(code)
        if city:
            return city + (county or "")
        return divisions.PROVINCES[divisions.LIAONING]
    return divisions.PROVINCES.get(code[:2] + "0000", "户籍所在地")


def _address_code(value: Any) -> str | None:
    if not isinstance(value, dict):
        return None
    for key in ("county", "city", "province"):
        code = value.get(key)
        if isinstance(code, str) and len(code) == 6 and code.isascii() and code.isdigit():
            return code
    return None


def household_fields(bundle: Bundle) -> list[str]:
    """The address questions about a household registration (户籍 / 户口 in their label), in form
    order: the answers that say whose place counts."""
    return [f.id for page in bundle.pages for f in page.fields
            if f.type == "address" and any(word in f.label for word in _HOUSEHOLD_WORDS)]


def resident_place(bundle: Bundle, answers: dict[str, Any], applicant: dict[str, Any] | None) -> Place | None:
    """The resident's 户籍所在地 (see the module's docstring for the order and why), or None."""
    for field_id in household_fields(bundle):
        code = _address_code(answers.get(field_id))
        if code:
            return Place(code, "household_answer")
    applicant = applicant or {}
    address = applicant.get("address")
    if isinstance(address, str) and address.strip():
        code = _address_code(divisions.parse_address_text(address))
        if code:
            return Place(code, "id_card_address")
    number = str(applicant.get("id_number") or "").strip().upper()
    if len(number) == 18 and number[:6].isascii() and number[:6].isdigit() and number[0] != "9":
        province = number[:2] + "0000"
        if number[:2] in ("81", "82", "83") or province not in divisions.PROVINCES:
            return None          # a Hong Kong, Macao or Taiwan permit: no household place here
        code = number[:6]
        if divisions.name_of(code) is None:       # a historical county code: keep what is known
            code = number[:4] + "00" if divisions.name_of(number[:4] + "00") else province
        return Place(code, "id_number")
    return None


def decide(item: Item, resident: Place | None, station_division: str) -> Handling:
    """Whether this station takes `item`, who handles it, or why not and where to go."""
    decision = _decide(item, resident, station_division)
    return replace(decision, department=item.department)


def _decide(item: Item, resident: Place | None, station_division: str) -> Handling:
    level = item.handled_where
    station_name = place_name(station_division)
    if resident is not None and resident.source == "residence_permit":
        return Handling(item.code, item.name, level, True, station_division, station_name,
                        station_name + item.department, False,
                        f"“{item.name}”：您有本地居住证，由本地{station_name}{item.department}办理。")
    if resident is None or level is None:
        # Nothing to compare (or the item does not say): taken here, as at a counter.
        return Handling(item.code, item.name, level, True, station_division, station_name,
                        station_name + item.department, False,
                        f"“{item.name}”由{station_name}{item.department}办理。")
    digits = _DIGITS[level]
    same_county = resident.precision == 6 and resident.code == station_division
    known_enough = resident.precision >= digits
    if same_county or (known_enough and resident.code[:digits] == station_division[:digits]):
        # the resident's county; a place known only to the city or province that holds this
        # station: this station's county (the nearest that can be named)
        contains_station = resident.code[:resident.precision] == station_division[:resident.precision]
        handler = resident.code if resident.precision == 6 or not contains_station else station_division
        name = place_name(handler)
        if handler == station_division:
            return Handling(item.code, item.name, level, True, handler, name, name + item.department, False,
                            f"“{item.name}”由本地{name}{item.department}办理。")
        return Handling(item.code, item.name, level, True, handler, name, name + item.department, True,
                        f"“{item.name}”{LABELS[level]}：本站代收，由{name}{item.department}办理，您不用跑。")
    name = place_name(resident.code)
    why = {"local": "只能在户籍所在地办理", "city": "只能在户籍所在的市内办理",
           "province": "只能在辽宁省内办理"}.get(level, "本站不能办理")
    return Handling(item.code, item.name, level, False, resident.code, name, name + item.department, False,
                    f"“{item.name}”{why}，本站不能代收。这件事要到户籍所在地{name}的{item.department}办理。")


def decide_all(items: list[Item], resident: Place | None, station_division: str) -> list[Handling]:
    return [decide(item, resident, station_division) for item in items]


def for_form(form: FormSession, station_division: str, items: list[Item] | None = None) -> list[Handling]:
    """The decisions for the items that apply (or `items`) of a form in progress: its household
    answers so far, else the ID card the resident identified with; a local 居住证 where the item
    allows it. Each says whether answers still to come could change it (`final`)."""
    chosen = form.applicable_items() if items is None else items
    place = resident_place(form.bundle, form.answers(), form.applicant)
    # a household question still to be answered (or only prefilled, not yet confirmed) may name
    # another place: nothing decided from the card is final before it
    visible = {f.id for f in form.visible_fields()}
    household_open = any(fid in visible and not form.confirmed(fid) for fid in household_fields(form.bundle))
    decisions = []
    for item in chosen:
        here_on_permit = item.residence_if is not None and form.holds(item.residence_if)
        decision = decide(item, Place(station_division, "residence_permit") if here_on_permit else place,
                          station_division)
        permit_open = item.residence_if is not None and form.is_open(item.residence_if)
        decisions.append(replace(decision, final=not household_open and not permit_open))
    return decisions


def nothing_here(decisions: list[Handling]) -> bool:
    """This station can take none of them (and there is something to take)."""
    return bool(decisions) and not any(d.here for d in decisions)


def settled_nothing_here(decisions: list[Handling]) -> bool:
    """None can be taken here and no answer to come can change that: say so before any question."""
    return nothing_here(decisions) and all(d.final for d in decisions)


def with_handling(payload: dict[str, Any], decisions: list[Handling]) -> dict[str, Any]:
    """The payload as this station submits it: only the items it takes (`item_codes`), each with
    the division that handles it (`handling`). Items it cannot take are not submitted here."""
    taken = [d for d in decisions if d.here]
    codes = {d.item_code for d in taken}
    return {**payload, "item_codes": [c for c in payload.get("item_codes") or [] if c in codes],
            "handling": [d.payload() for d in taken]}


def refused_sentences(decisions: list[Handling]) -> list[str]:
    return [d.sentence for d in decisions if not d.here]
