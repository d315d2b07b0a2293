"""What can go wrong with the station's own storage, as exception classes with a message for staff.

Why a module of its own: the store (sync/store.py), the integrity ledger (sync/integrity.py) and
the backup (kiosk/station/backup.py) raise them, and the delivery worker and every command tell
them apart from network problems by class alone — a storage fault is never worded or counted as
"the platform cannot be reached" (README: exit code 5, never 3). `sync.store` re-exports them.
"""

from __future__ import annotations


class StoreError(Exception):
    """A storage problem with a message for the resident or staff (Chinese)."""


class StorageFullError(StoreError):
    """The disk is full. Nothing was half-written; the kiosk keeps running."""


class StoreDamaged(StoreError):  # noqa: N818 - a state of the disk, named like the others
    """The database file is damaged (SQLite: malformed image, not a database), or unreadable."""


class IntegrityError(StoreError):
    """The data directory and the key directory do not belong together, or the database is not
    the one the station's signed ledger describes (emptied, replaced, rolled back). The program
    stops before it writes anything; installer/README.md says how a technician recovers."""


class KeyMismatch(IntegrityError):
    """Keys missing over existing data, keys of another station, or a key directory open to others."""


class LedgerMismatch(IntegrityError):
    """The database's audit chain does not reach or does not match the signed ledger: emptied,
    replaced, an older copy put back, its tail deleted, or its entries rewritten."""
