"""Scan engines in HID keyboard-wedge mode: a code arrives as very fast key presses.

Set to "USB-KBW" an engine pretends to be a keyboard and types the code, then Enter (or Tab, or
nothing), at a few milliseconds per key. The kiosk must (1) never let those keys type into the
field that has focus, (2) tell a scan from a person at a keyboard, and (3) read Chinese, which a
keyboard cannot type: engines send it as Alt+numpad codes, the number being the character's GBK
code (Alt+52725 → 0xCDF5 → 王), its Unicode code point (Alt+29579 → U+738B → 王), or one UTF-8
byte per Alt code (Alt+231 Alt+142 Alt+139 → 王), as set on the engine.

`WedgeDetector` decides by timing, key by key, and is plain Python so a Qt event filter in the UI
can call it for each key event and a test can drive it with hypothesis:

- Every key press that produces text (or is an Alt+numpad digit) is **held back**, not typed.
- If the next press comes within `burst_gap` (35 ms), it joins the held keys. Once `min_burst`
  (6) presses have come that fast, it is a **scan**: every key up to the terminator (Enter, Return,
  Tab, or a pause of `end_gap` without one) is swallowed, and the code is reported once.
- If the held keys stop short of that (a pause longer than `burst_gap`), they were a person's:
  they are **released** in order for the UI to type into the field. A person's key is thus
  delayed by at most `burst_gap`, which nobody notices.

People rarely press two keys 35 ms apart and never six in a row; engines type at 1–20 ms per key
(the slowest setting of common engines, "inter-key delay 20 ms", still fits). Codes shorter than
`min_burst` characters are taken for typing — 辽事通 identity codes and receipt codes are far
longer. Key releases carry no text and are swallowed while keys are held or a scan runs.

Timestamps are seconds (Qt's `QKeyEvent.timestamp()` / 1000); `deadline()` says when to call
`poll(now)` (a single-shot timer in the UI) so held keys are released, or a scan without a
terminator is finished, even when no further key comes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from devices.scanner.engine import decode_code
from devices.scanner.types import Symbol

AltMode = Literal["gbk", "unicode", "utf-8"]
TERMINATOR_KEYS = frozenset({"Enter", "Return", "Tab"})
TERMINATOR_TEXT = frozenset({"\r", "\n", "\t"})


@dataclass(frozen=True)
class WedgeKey:
    """One key event as the UI saw it, kept so a held key can be handed back exactly."""

    text: str
    key: str = ""
    alt: bool = False
    keypad: bool = False
    released: bool = False
    timestamp: float = 0.0


@dataclass(frozen=True)
class Decision:
    """What the UI does with the key event it just fed (or after `poll`).

    `release`: held key presses that turned out to be a person's typing, to be typed now, in order
    and before the current key (the UI re-sends them or inserts their text). `swallow`: consume
    the current event (it is held, or part of a scan). `code`: a finished scan.
    """

    swallow: bool
    release: tuple[WedgeKey, ...] = ()
    code: Symbol | None = None


@dataclass
class _Burst:
    keys: list[WedgeKey] = field(default_factory=list)
    presses: int = 0
    scanning: bool = False
    alt_digits: str = ""
    units: list[tuple[str, int | str]] = field(default_factory=list)   # ("text", s) | ("alt", n)


class WedgeDetector:
    """Not thread-safe: call it from the one thread that receives key events (the GUI thread;
    it does no I/O and takes microseconds)."""

    def __init__(self, alt_mode: AltMode = "gbk", burst_gap: float = 0.035, min_burst: int = 6,
                 end_gap: float = 0.15) -> None:
        if alt_mode not in ("gbk", "unicode", "utf-8"):
            raise ValueError("alt_mode must be gbk, unicode or utf-8")
        self.alt_mode = alt_mode
        self.burst_gap = burst_gap
        self.min_burst = min_burst
        self.end_gap = end_gap
        self._burst = _Burst()
        self._last_press: float | None = None

    # -- the UI's calls -----------------------------------------------------------------------------

    def feed(self, text: str, timestamp_s: float, *, key: str = "", alt: bool = False,
             keypad: bool = False, released: bool = False, repeat: bool = False) -> Decision:
        """One key event: `text` it produces ("" for modifiers), Qt's key name for special keys
        ("Enter", "Tab", "Alt", "Shift"), whether Alt is held and it is a keypad key, whether this
        is the release, and whether it is an auto-repeat (`QKeyEvent.isAutoRepeat()`). Returns
        what to do with it."""
        event = WedgeKey(text, key, alt, keypad, released, timestamp_s)
        flushed = self._expire(timestamp_s)
        if flushed.code is not None or flushed.release:
            # The pause before this key ended the burst: settle it, then take this key afresh.
            after = self.feed(text, timestamp_s, key=key, alt=alt, keypad=keypad, released=released,
                              repeat=repeat)
            return Decision(after.swallow, flushed.release + after.release, flushed.code or after.code)
        burst = self._burst
        if released:
            return self._on_release(event)
        if repeat and not burst.scanning:
            # A person holding a key down: the system repeats it every 30–40 ms, as fast as an
            # engine, but engines never auto-repeat. What was held is theirs too.
            return Decision(swallow=False, release=self._release_all())
        if not self._counts(event):
            # A modifier pressed on its own (Shift before a capital, Alt before a numpad code):
            # part of whatever is going on, never a key of its own.
            if burst.keys:
                burst.keys.append(event)
                self._last_press = timestamp_s   # an engine's Alt and Shift come as fast as its keys
            return Decision(swallow=bool(burst.keys))
        if burst.scanning and (key in TERMINATOR_KEYS or text in TERMINATOR_TEXT):
            return Decision(swallow=True, code=self._finish())
        if not burst.keys and (key in TERMINATOR_KEYS or text in TERMINATOR_TEXT):
            self._last_press = timestamp_s
            return Decision(swallow=False)     # a person's Enter or Tab
        if burst.keys and not burst.scanning and (key in TERMINATOR_KEYS or text in TERMINATOR_TEXT):
            # Enter right behind a few fast keys: a person's; hand them back, then the Enter.
            released_keys = self._release_all()
            self._last_press = timestamp_s
            return Decision(swallow=False, release=released_keys)
        burst.keys.append(event)
        burst.presses += 1
        self._last_press = timestamp_s
        if alt and keypad and key.isdigit() and len(key) == 1:
            burst.alt_digits += key
        elif text:
            burst.units.append(("text", text))
        if not burst.scanning and burst.presses >= self.min_burst:
            burst.scanning = True
        return Decision(swallow=True)

    def poll(self, now_s: float) -> Decision:
        """Call at `deadline()`: releases a person's held keys, or finishes a scan that ended
        without a terminator."""
        return self._expire(now_s)

    def deadline(self) -> float | None:
        """When `poll` is next due (seconds, the feed's clock), or None when nothing is held."""
        if not self._burst.keys or self._last_press is None:
            return None
        return self._last_press + (self.end_gap if self._burst.scanning else self.burst_gap)

    @property
    def busy(self) -> bool:
        """Keys are held or a scan is running (the UI may show nothing; this is for tests)."""
        return bool(self._burst.keys)

    # -- internals ----------------------------------------------------------------------------------

    def _counts(self, event: WedgeKey) -> bool:
        """Presses that take part in the timing: text, terminators and Alt+numpad digits."""
        return bool(event.text) or event.key in TERMINATOR_KEYS or (
            event.alt and event.keypad and event.key.isdigit())

    def _on_release(self, event: WedgeKey) -> Decision:
        burst = self._burst
        if not burst.keys:
            return Decision(swallow=False)
        if event.key == "Alt" and burst.alt_digits:
            burst.units.append(("alt", int(burst.alt_digits)))
            burst.alt_digits = ""
        burst.keys.append(event)
        return Decision(swallow=True)

    def _expire(self, now: float) -> Decision:
        due = self.deadline()
        if due is None or now < due:
            return Decision(swallow=False)
        if self._burst.scanning:
            return Decision(swallow=False, code=self._finish())
        return Decision(swallow=False, release=self._release_all())

    def _release_all(self) -> tuple[WedgeKey, ...]:
        keys = tuple(k for k in self._burst.keys if not k.released)
        self._burst = _Burst()
        return keys

    def _finish(self) -> Symbol:
        burst = self._burst
        if burst.alt_digits:  # an Alt code whose Alt release never came
            burst.units.append(("alt", int(burst.alt_digits)))
        self._burst = _Burst()
        raw, text, charset = _assemble(burst.units, self.alt_mode)
        return Symbol(text=text, raw=raw, format="engine", charset=charset, decoder="hid-wedge")


def _assemble(units: list[tuple[str, int | str]], mode: AltMode) -> tuple[bytes, str, str]:
    """The typed characters and Alt codes → (raw bytes as the engine meant them, text, charset)."""
    if mode == "unicode":
        text = "".join(str(v) if kind == "text" else _char(int(v)) for kind, v in units)
        return text.encode("utf-8"), text, "unicode"
    raw = bytearray()
    for kind, value in units:
        if kind == "text":
            raw += str(value).encode("utf-8")
        else:
            number = int(value)
            if mode == "gbk" and number > 0xFF:
                raw += bytes([(number >> 8) & 0xFF, number & 0xFF])
            else:
                raw.append(number & 0xFF)
    text, charset = decode_code(bytes(raw), "gbk" if mode == "gbk" else "utf-8")
    return bytes(raw), text, charset


def _char(number: int) -> str:
    try:
        return chr(number)
    except (ValueError, OverflowError):
        return "\ufffd"


def alt_codes_for(text: str, mode: AltMode) -> list[list[int]]:
    """How an engine types `text` with Alt+numpad: per character (or byte), the number's digits.
    ASCII characters are typed as plain keys by engines; this helper gives only the non-ASCII
    ones' numbers and is what the simulator and the tests use."""
    out: list[list[int]] = []
    for char in text:
        if char.isascii():
            continue
        if mode == "unicode":
            out.append([ord(char)])
        elif mode == "gbk":
            data = char.encode("gb18030")
            out.append([int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2)])
        else:
            out.append(list(char.encode("utf-8")))
    return out


def engine_key_events(text: str, mode: AltMode, start: float, gap: float,
                      terminator: str | None = "Enter") -> list[WedgeKey]:
    """The key events an engine in wedge mode produces for `text`: ASCII as keys (Shift before
    capitals), other characters as Alt + keypad digits + Alt release, `gap` seconds apart, then
    the terminator. For the tests, the benchmark and a demo; what real engines send is the same."""
    events: list[WedgeKey] = []
    t = start
    codes = iter(alt_codes_for(text, mode))

    def add(event_text: str, key: str, *, alt: bool = False, keypad: bool = False,
            released: bool = False) -> None:
        nonlocal t
        events.append(WedgeKey(event_text, key, alt, keypad, released, t))
        t += gap

    for char in text:
        if char.isascii():
            if char.isupper():
                add("", "Shift")
            add(char, char.upper() if char.isalpha() else char)
            add("", char.upper() if char.isalpha() else char, released=True)
            continue
        for number in next(codes):
            add("", "Alt", alt=True)
            for digit in str(number):
                add("", digit, alt=True, keypad=True)
                add("", digit, alt=True, keypad=True, released=True)
            add("", "Alt", released=True)
    if terminator:
        add("\r" if terminator == "Enter" else "\t", terminator)
        add("", terminator, released=True)
    return events
