"""One resident's application in progress: who, which 一件事, the form, papers and signature.

Why one plain object shared by the view-models: the form screen, the materials screen, the
signature screen and the submit step all work on the same application, and the wipe must reach
all of it at once. It holds no Qt; the view-models adapt it. `wipe()` drops every reference to
personal data (Python cannot overwrite strings in place; dropping them and rebuilding the screens
is what we can do).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from forms import Bundle, Catalogue, FormSession


class InMemoryAttachments:
    """Where captured papers go when no store is wired (screenshots, unit tests of the UI)."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def put(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        self.files[digest] = data
        return digest


class Journey:
    def __init__(self, catalogue: Catalogue | Callable[[], Catalogue], *,
                 today: Callable[[], date] = date.today,
                 put_attachment: Callable[[bytes], str] | None = None) -> None:
        self._catalogue = catalogue if callable(catalogue) else (lambda: catalogue)
        self._today = today
        self.put_attachment = put_attachment or InMemoryAttachments().put
        self.applicant: dict | None = None
        self.agent: dict | None = None
        self.bundle: Bundle | None = None
        self.form: FormSession | None = None
        self.signature_png: bytes | None = None
        self.signature_sha256: str | None = None
        # 智能预审 of each photographed page, by the attachment's sha256 (viewmodels/precheck.py)
        self.prechecks: dict[str, dict] = {}
        # 通办: the station's county (config.station_division); None: not compared (tests, tools)
        self.station_division: str | None = None

    @property
    def catalogue(self) -> Catalogue:
        """The catalogue in use (it may still be loading in the background at start-up: then wait)."""
        return self._catalogue()

    def use_catalogue(self, catalogue: Catalogue) -> None:
        """Work on another catalogue from now on: `catalogue preview` shows a bundle that is not
        published yet (a workbook) through the very screens residents use."""
        self._catalogue = lambda: catalogue

    def identify(self, applicant: dict) -> None:
        """The resident (from the ID card, a QR code or typed by hand): name, id_number, …"""
        self.applicant = dict(applicant)

    def choose(self, bundle_id: str) -> FormSession:
        """Start (or restart) the form for a bundle, prefilled from what we know of the resident."""
        from forms import FormSession

        self.bundle = self.catalogue.bundle(bundle_id)
        self.form = FormSession(self.bundle, applicant=self.applicant, agent=self.agent,
                                today=self._today())
        self.signature_png = None
        self.signature_sha256 = None
        self.prechecks = {}
        return self.form

    def handling(self, items: list | None = None) -> list:
        """通办 (forms.handling): per item that applies (or `items`), whether this station takes
        it and who handles it; empty when the station's division is not known."""
        from forms.handling import for_form

        if self.form is None or self.station_division is None:
            return []
        return for_form(self.form, self.station_division, items)

    def payload(self) -> dict:
        """The form's payload, each photographed material carrying its pages' pre-checks (the
        contract's optional `precheck` object, keyed by attachment; no names, no numbers), and —
        通办 — only the items this station takes, each naming the division that handles it."""
        payload = self.form.payload()
        if self.station_division is not None:
            from forms.handling import with_handling

            payload = with_handling(payload, self.handling())
        for material in payload.get("materials") or []:
            found = {sha: self.prechecks[sha] for sha in material.get("attachments") or []
                     if sha in self.prechecks}
            if found:
                material["precheck"] = found
        return payload

    def sign(self, png: bytes) -> str:
        """Keep the finger signature as an attachment; returns its sha256."""
        return self.record_signature(png, self.put_attachment(png))

    def record_signature(self, png: bytes, sha256: str) -> str:
        """The signature, already stored as attachment `sha256` (the sign screen writes it on a
        worker thread), becomes this application's."""
        self.signature_png = png
        self.signature_sha256 = sha256
        if self.form is not None:
            # A form may ask for the signature as a question of its own (个体工商户's 登记申请书):
            # the one finger signature answers it, rather than asking twice.
            for field in self.form.visible_fields():
                if field.type == "signature":
                    self.form.answer(field.id, self.signature_sha256)
        return self.signature_sha256

    def wipe(self) -> None:
        self.prechecks = {}
        self.applicant = None
        self.agent = None
        self.bundle = None
        self.form = None
        self.signature_png = None
        self.signature_sha256 = None
