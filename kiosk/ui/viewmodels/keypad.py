"""The one number pad's rule: what a key does to what has been typed, by the kind of number.

Why here and once: the ID number on 手动输入, a phone number or an amount in the form, a staff
number and PIN, an agent's PIN and the ID number staff look up all used their own copy of this
(six of them), and they had drifted (one pad had no 清空, the phone pad had no “-” though its error
asked for 区号-号码). The QML component is one too (qml/components/NumericKeypad.qml): twelve keys,
the one left of 0 chosen by the kind, and 清空 under them when that key is taken.
"""

from __future__ import annotations

from dataclasses import dataclass

BACK, CLEAR = "back", "clear"


@dataclass(frozen=True)
class PadKind:
    limit: int          # the most characters this kind of number can have
    extra: str = ""     # the key left of 0: "X" (ID numbers), "." (money), "-" (landline), or 清空


KINDS: dict[str, PadKind] = {
    "id": PadKind(18, "X"),          # an ID number; X only as its 18th character
    "digits": PadKind(19),           # a count, a bank account number
    "decimal": PadKind(12, "."),     # money
    "mobile": PadKind(11),           # a mobile number only
    "phone": PadKind(13, "-"),       # a mobile number, or a landline as 区号-号码
    "pin": PadKind(12),              # staff and agent PINs (kiosk.station.staff_auth.MAX_PIN_LENGTH)
    "staff": PadKind(8),             # a staff number
}


def press(typed: str, key: str, kind: str) -> str:
    """What is typed after `key` (a digit, "X", ".", "-", BACK or CLEAR) on a pad of `kind`.
    A key the kind has no use for at this point changes nothing."""
    pad = KINDS[kind]
    if key == BACK:
        return typed[:-1]
    if key == CLEAR:
        return ""
    if len(typed) >= pad.limit:
        return typed
    if len(key) == 1 and key.isdigit() and key.isascii():
        return typed + key
    if key != pad.extra or not key:
        return typed
    if key == "X":
        return typed + key if len(typed) == pad.limit - 1 else typed
    if key == ".":
        return typed if "." in typed else (typed + key if typed else "0.")
    if key == "-":
        return typed + key if typed and "-" not in typed else typed
    return typed


def refusal(typed: str, key: str, kind: str) -> str:
    """Why `key` changed nothing on a pad of `kind` holding `typed`, in one plain sentence; "" when
    it did something (or is 删除 / 清空, whose doing nothing on an empty box says enough itself).

    Why: a key that silently does nothing looks broken to a resident, who presses it again and
    again; the exerciser counts such a key as a dead control."""
    pad = KINDS[kind]
    if key in (BACK, CLEAR) or press(typed, key, kind) != typed:
        return ""
    if len(typed) >= pad.limit:
        return f"已经输满 {pad.limit} 位了。要改，请按“删除”。"
    if key == "X":
        return "X 只能是身份证号码的最后一位（第 18 位）。"
    if key == ".":
        return "金额只能有一个小数点。" if "." in typed else ""
    if key == "-":
        return "“-”只用在区号后面，例如 024-22222222，只能有一个。"
    return ""
