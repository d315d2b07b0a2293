"""Typed results of A4 printing: a submitted job, its end state, and printer errors."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class PrintError(RuntimeError):
    """Printing failed; the message is plain Chinese for the staff screen."""


class PrinterNotFound(PrintError):
    """The named printer does not exist (Qt would silently write a PDF file instead)."""


class NotVerified(PrintError):
    """A certificate whose signature did not check out: never printed."""


@dataclass(frozen=True)
class PrintJob:
    """A job handed to a printer. `job_id` is CUPS's number; `path` is set by the folder printer."""

    printer: str
    job_id: int
    title: str
    path: Path | None = None


@dataclass(frozen=True)
class JobOutcome:
    """How a job ended (or where it got stuck). `state`: completed, aborted, canceled, stuck."""

    job: PrintJob
    state: str
    message: str
    reasons: tuple[str, ...] = ()

    @property
    def done(self) -> bool:
        return self.state == "completed"
