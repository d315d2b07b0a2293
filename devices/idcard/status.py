"""Reader health as a small tagged union, so the staff screen and the kiosk can match on it.

Why a union of frozen classes rather than strings or an enum: each state carries what the screen
needs (a Chinese sentence, the SW3 code for a SAM fault) and a type checker sees every case.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReaderReady:
    """Connected, SAM healthy, waiting for a card."""

    message: str = "请将身份证放在阅读器上"


@dataclass(frozen=True)
class ReaderReading:
    """A card was found and is being read: the screen says “请勿移动”."""

    message: str = "正在读卡，请勿移动身份证"


@dataclass(frozen=True)
class ReaderMissing:
    """The port cannot be opened or went away (unplugged); the backend keeps trying to reconnect."""

    message: str


@dataclass(frozen=True)
class ReaderFault:
    """Connected but not working: SAM error, no answer, repeated bad frames. `sw3` when known."""

    message: str
    sw3: int | None = None


ReaderStatus = ReaderReady | ReaderReading | ReaderMissing | ReaderFault
