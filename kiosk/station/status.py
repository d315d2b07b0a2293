"""What the store knows about the station's health: queue, last successful sync, catalogue, enrollment.

Why one function for both the running kiosk's health endpoint and the staff `status` command: the
two must never disagree, so both feed `kiosk.station.health.HealthReport` from here. It reads the store
only (thread-safe: the Store serialises access behind its own lock), so it can run on the health
server's thread.

"Last successful sync" is the latest moment the platform answered: the delivery worker's
`last_sync_ok_at` setting (written on every successful heartbeat, status pull, document fetch and
delivery — so a station with an empty queue that heartbeats every five minutes is shown as in
touch), and, for stores written before that setting existed, a delivery (outbox.delivered_at), a
pulled status (statuses.pulled_at) or a signed document (documents.fetched_at).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sync.store import Store

# Store settings written by sync.worker (the same names as its LAST_SYNC_OK_AT/MIN_APP_VERSION;
# not imported, so reading the status does not load the HTTP client).
LAST_SYNC_OK_AT = "last_sync_ok_at"
MIN_APP_VERSION = "platform_min_app_version"
ANCHOR_PROBLEM = "audit_anchor_problem"


def shipped_catalogue_version() -> str | None:
    """The version of the catalogue the kiosk loads (forms/catalogue/index.json), without
    building it (the command must answer fast)."""
    from forms.catalogue import INDEX_NAME, SHIPPED_DIR

    try:
        return str(json.loads((Path(SHIPPED_DIR) / INDEX_NAME).read_text("utf-8"))["version"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _catalogue_in_use(downloaded: dict[str, Any] | None) -> str | None:
    """The version a new application starts under: the downloaded one when newer than the shipped
    one (the rule of sync.documents.catalogue_in_use, on version numbers only: no build here)."""
    from forms.catalogue import version_key

    shipped = shipped_catalogue_version()
    if downloaded and (shipped is None or version_key(downloaded["version"]) > version_key(shipped)):
        return downloaded["version"]
    return shipped


def refused_catalogue(store: Store) -> dict[str, Any] | None:
    """The last catalogue this station refused ({"version", "reason", "at"}), or None."""
    raw = store.setting("catalogue_refused")    # sync.documents.CATALOGUE_REFUSED
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


def refused_update(store: Store) -> dict[str, Any] | None:
    """The last software package from the fleet console this station refused ({"version",
    "code", "reason", "at"}, sync/fleet_offers.py), or None: `status` says it like a refused
    catalogue (a catalogue's refusal is `refused_catalogue`)."""
    from sync.fleet_offers import refusals

    software = [r for r in refusals(store.data_dir).values() if r.get("kind") == "software"]
    return max(software, key=lambda r: float(r.get("at") or 0), default=None)


def last_sync_at(store: Store) -> float | None:
    return store.last_sync_at()


def install_facts(app_dir: Path | None = None) -> dict[str, Any]:
    """Which installed version runs and what the version guard did (kiosk/station/versions.py), when this
    program runs from ROOT/versions/<version> — an installed station; {} otherwise (a checkout).

    Why the health report says it: an update that was rolled back at night, or one applied but not
    yet running, is exactly what the county's monitoring must see without visiting the station."""
    from kiosk.station import versions

    app_dir = Path(app_dir) if app_dir is not None else Path(__file__).resolve().parents[2]
    if app_dir.parent.name != "versions":
        return {}
    root = app_dir.parent.parent
    described = versions.describe(root)
    trial = described["trial"] or {}
    return {"install": {"root": str(root), "running": versions.version_of(app_dir),
                        "current": described["current"], "previous": described["previous"],
                        "on_trial": bool(trial) and trial.get("version") == described["current"],
                        "last_rollback": described["last_rollback"]}}


def store_facts(store: Store, catalogue_version: str | None = None) -> dict[str, Any]:
    """The part of a HealthReport snapshot that comes from the store (see kiosk.station.health)."""
    summary = store.pending_summary()
    downloaded = store.document_info("catalogue")
    station_id = store.setting("station_id")
    return {
        "queue": {"pending": summary["pending"], "failed": summary["failed"],
                  "oldest_age_s": float(summary["oldest_pending_age_s"]) if summary["pending"] else None},
        "last_sync_at": last_sync_at(store),
        "catalogue": {"version": catalogue_version or _catalogue_in_use(downloaded),
                      "downloaded": downloaded["version"] if downloaded else None,
                      "refused": refused_catalogue(store)},
        "enrollment": {"enrolled": bool(station_id), "station_id": station_id,
                       "platform_url": store.setting("platform_url")},
        "min_app_version": store.setting(MIN_APP_VERSION),
        "update_refused": refused_update(store),
        "storage_problems": [store.setting(ANCHOR_PROBLEM) or ""],
        **install_facts(),
    }


def fleet_device_states(health: dict[str, tuple[str, str]]) -> dict[str, str]:
    """The devices' (state, message) as the kiosk tracks them, in the fleet console's words
    (console/console_api.yaml DeviceState). Why here: the device manager says "ok" for a printer
    whose paper is running low (it still prints), and only its status message tells; the console
    must see 需关注 before the paper runs out."""
    from devices.printer.status import PaperNearEnd, PaperOut

    names = {"scan_engine": "scanner"}
    out: dict[str, str] = {}
    for name, (state, message) in health.items():
        if state == "ok":
            word = "paper_low" if message == PaperNearEnd.message else "ok"
        elif state == "missing":
            word = "missing"
        else:
            word = "paper_out" if message == PaperOut.message else "fault"
        out[names.get(name, name)] = word
    return out
