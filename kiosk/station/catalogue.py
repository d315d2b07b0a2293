"""The catalogue a new application starts under, on a station whose delivery worker may take a
newer one from the platform at any time (sync.documents: verified, checked, kept versioned).

Why a callable and not a loaded catalogue: kiosk.ui.journey.Journey asks for the catalogue only
when a resident chooses a 一件事, so a newer one is picked up by the next choice while every
application already started keeps the Bundle it began with.
"""

from __future__ import annotations

from collections.abc import Callable


class NewestCatalogue:
    """What Journey asks for when a resident chooses a 一件事: the catalogue loaded at start-up
    until the delivery worker has taken a newer one into the store, then that one. Why here and
    not in the form: an application already started keeps the Bundle it was started with (its
    FormSession holds it, and its payload says bundle_version / form_version), so it finishes
    under the old version; only a new choice picks up the new one."""

    def __init__(self, first: Callable, store) -> None:  # noqa: ANN001 - sync.store.Store | None
        self._first = first
        self._store = store
        self._catalogue = None
        self._seen: str | None = None

    def __call__(self):  # noqa: ANN204 - forms.Catalogue
        if self._catalogue is None:
            self._catalogue = self._first()
            self._seen = self._downloaded()
        downloaded = self._downloaded()
        if downloaded != self._seen:
            from sync.documents import catalogue_in_use

            self._catalogue, self._seen = catalogue_in_use(self._store), downloaded
        return self._catalogue

    def _downloaded(self) -> str | None:
        if self._store is None:
            return None
        try:
            info = self._store.document_info("catalogue")
        except Exception:  # noqa: BLE001 - a storage fault: keep the catalogue in use
            return self._seen
        return info["version"] if info else None
