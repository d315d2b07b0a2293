"""The few reads the pages need that the store's API does not offer.

Why here and not in console/store.py: console-core owns the store; these are shaped by pages
(a week-by-week trend, the notes of one page of alerts, the scope of one record). Each takes the
caller's `county` (a division code, None = province) and limits its rows to it, like the store.
SQL uses `?` placeholders and Store.query, so it runs on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from console import states
from console.store import BAD_LEVELS, Store


def _county_cond(county: str | None, column: str = "t.division_code") -> tuple[str, list[Any]]:
    return (f" AND {column} = ?", [county]) if county else ("", [])


def ratings_by_bundle(store: Store, county: str | None, station_id: str | None, since: date,
                      until: date, weeks: int = 8) -> list[dict[str, Any]]:
    """Per bundle: levels {1..5}, total, bad, and the bad share of each of the last `weeks`
    weeks (oldest first; None for a week without ratings)."""
    cond, params = _county_cond(county)
    if station_id:
        cond += " AND r.station_id = ?"
        params.append(station_id)
    trend_start = min(since, until - timedelta(days=7 * weeks - 1))
    rows = store.query(f"""SELECT r.bundle, r.day, r.level, SUM(r.count) AS n FROM ratings r
                           JOIN stations t ON t.station_id = r.station_id
                           WHERE r.day >= ? AND r.day <= ?{cond}
                           GROUP BY r.bundle, r.day, r.level""",
                       [trend_start.isoformat(), until.isoformat(), *params])
    out: dict[str, dict[str, Any]] = {}
    week_totals: dict[str, list[list[int]]] = defaultdict(lambda: [[0, 0] for _ in range(weeks)])
    since_s = since.isoformat()
    for row in rows:
        bundle, day, level, n = row["bundle"], str(row["day"]), int(row["level"]), int(row["n"])
        entry = out.setdefault(bundle, {"bundle": bundle, "levels": dict.fromkeys(range(1, 6), 0)})
        if day >= since_s:
            entry["levels"][level] += n
        age_weeks = (until - date.fromisoformat(day)).days // 7
        if 0 <= age_weeks < weeks:
            slot = week_totals[bundle][weeks - 1 - age_weeks]
            slot[0] += n
            slot[1] += n if level in BAD_LEVELS else 0
    result = []
    for bundle, entry in out.items():
        entry["total"] = sum(entry["levels"].values())
        entry["bad"] = sum(entry["levels"][lv] for lv in BAD_LEVELS)
        entry["trend"] = [(bad / total if total else None) for total, bad in week_totals[bundle]]
        result.append(entry)
    result.sort(key=lambda e: (-e["total"], e["bundle"]))
    return result


def alert_notes(store: Store, alert_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The notes of one page of alerts in one query, oldest first."""
    if not alert_ids:
        return {}
    marks = ",".join("?" * len(alert_ids))
    notes: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in store.query(f"SELECT alert_id, at, author, text FROM alert_notes WHERE alert_id IN ({marks}) "
                           "ORDER BY at, id", alert_ids):
        notes[int(row["alert_id"])].append(row)
    return notes


def rectification_division(store: Store, rectification_id: int) -> str | None:
    """The county a 差评整改 record belongs to (to check a county user may act on it)."""
    rows = store.query("""SELECT t.division_code FROM rectifications r
                          JOIN stations t ON t.station_id = r.station_id WHERE r.id = ?""",
                       [rectification_id])
    return rows[0]["division_code"] if rows else None


def overdue_count(store: Store, county: str | None, today: date) -> int:
    """Bad ratings still waiting for their call-back after the due day (the banner's number)."""
    cond, params = _county_cond(county)
    rows = store.query(f"""SELECT COUNT(*) AS n FROM rectifications r
                           JOIN stations t ON t.station_id = r.station_id
                           WHERE r.status = 'open' AND r.due_date < ?{cond}""", [today.isoformat(), *params])
    return int(rows[0]["n"])


def rectification_count(store: Store, county: str | None, status: str | None, overdue_only: bool,
                        today: date) -> int:
    cond, params = _county_cond(county)
    if status:
        cond += " AND r.status = ?"
        params.append(status)
    if overdue_only:
        cond += " AND r.status = 'open' AND r.due_date < ?"
        params.append(today.isoformat())
    rows = store.query(f"""SELECT COUNT(*) AS n FROM rectifications r
                           JOIN stations t ON t.station_id = r.station_id WHERE 1 = 1{cond}""", params)
    return int(rows[0]["n"])


def alert_count(store: Store, county: str | None, open_only: bool, station_id: str | None) -> int:
    cond, params = _county_cond(county)
    if open_only:
        cond += " AND a.closed_at IS NULL"
    if station_id:
        cond += " AND a.station_id = ?"
        params.append(station_id)
    rows = store.query(f"""SELECT COUNT(*) AS n FROM alerts a JOIN stations t ON t.station_id = a.station_id
                           WHERE 1 = 1{cond}""", params)
    return int(rows[0]["n"])


def ring_progress(store: Store, kind: str, version: str, county: str | None) -> dict[str, Any]:
    """For one rollout: pilot stations and all stations on its version, and pilot stations that
    rolled back (an open rolled_back alert), within the caller's county."""
    column = "s.software_version" if kind == "software" else "s.catalogue_version"
    cond, params = _county_cond(county)
    row = store.query(f"""SELECT COUNT(*) AS total,
                            SUM(CASE WHEN {column} = ? THEN 1 ELSE 0 END) AS done,
                            SUM(CASE WHEN t.ring = 'pilot' THEN 1 ELSE 0 END) AS pilot_total,
                            SUM(CASE WHEN t.ring = 'pilot' AND {column} = ? THEN 1 ELSE 0 END) AS pilot_done
                          FROM stations t LEFT JOIN station_state s ON s.station_id = t.station_id
                          WHERE 1 = 1{cond}""", [version, version, *params])[0]
    rolled = store.query(f"""SELECT COUNT(DISTINCT a.station_id) AS n FROM alerts a
                             JOIN stations t ON t.station_id = a.station_id
                             WHERE t.ring = 'pilot' AND a.kind = 'rolled_back'
                               AND a.closed_at IS NULL{cond}""",
                         params)[0]
    return {k: int(row[k] or 0) for k in ("total", "done", "pilot_total", "pilot_done")} | \
        {"rolled_back": int(rolled["n"] or 0)}


def pilot_stations(store: Store, county: str | None, limit: int = 200) -> list[dict[str, Any]]:
    """The pilot ring's stations with their versions and whether they rolled back."""
    cond, params = _county_cond(county)
    return store.query(f"""SELECT t.station_id, t.name, t.county, t.township, s.software_version,
                             s.catalogue_version, s.alerts, s.last_seen
                           FROM stations t LEFT JOIN station_state s ON s.station_id = t.station_id
                           WHERE t.ring = 'pilot'{cond} ORDER BY t.station_id LIMIT {int(limit)}""", params)


def state_counts_by_area(store: Store, county: str | None, now: float) -> list[dict[str, Any]]:
    """Stations per state for each county (province staff) or each township (county staff):
    [{code, city, county, township, ok, attention, fault, offline, total}], worst first.
    Offline is decided now, with the store's own rule (console.states.OFFLINE_AFTER_S)."""
    cutoff = now - states.OFFLINE_AFTER_S
    state = f"CASE WHEN s.last_seen IS NULL OR s.last_seen < ? THEN '{states.OFFLINE}' ELSE s.state END"
    area = ["t.division_code", "t.city", "t.county"] + (["t.township"] if county else [])
    groups = ", ".join(str(n) for n in range(1, len(area) + 2))      # by position: one placeholder
    cond, params = _county_cond(county)
    rows = store.query(f"""SELECT {', '.join(area)}, {state} AS state, COUNT(*) AS n FROM stations t
                           LEFT JOIN station_state s ON s.station_id = t.station_id
                           WHERE 1 = 1{cond} GROUP BY {groups}""", [cutoff, *params])
    out: dict[tuple, dict[str, Any]] = {}
    for row in rows:
        key = (row["division_code"], row.get("township", ""))
        entry = out.setdefault(key, {"code": row["division_code"], "city": row["city"],
                                     "county": row["county"], "township": row.get("township", ""),
                                     **dict.fromkeys(states.STATES, 0)})
        entry[row["state"]] += int(row["n"])
    result = list(out.values())
    for entry in result:
        entry["total"] = sum(entry[s] for s in states.STATES)
    result.sort(key=lambda e: (-(e["fault"] + e["offline"]), -e["attention"], e["code"], e["township"]))
    return result
