"""A simulated fleet: N stations across Liaoning's counties with realistic, seeded states, and the
signed reports they would send (built by the station's own code, sync/fleet_report.py).

Why seeded and built on the real report builder: the benchmark, the ingest tests and console-web's
browser tests (12 000 stations) must see the same fleet run after run, and a report the simulator
makes must be one a real station could make. What a fleet looks like (fractions per station):
- most on the current software (`CURRENT`), some still on last month's (`LAST_MONTH`), a few older;
- receipt paper low (≈4 %) or out (≈1.5 %), an ID reader missing, a camera gone (≈0.5 % each);
- a queue stuck for hours (≈2 %), failed rows (≈1 %), a disk filling up (≈0.5 %);
- offline for hours (≈3 %) or days (≈1 %): they send nothing;
- pilot ring: every fiftieth station of each county (two per county in a fleet of 12 000);
- 好差评 per bundle, mostly 5 and 4, with some 不满意/非常不满意 that open 差评整改 cases.

    python -m console.fleetsim --stations 12000 --data DIR      # load current states into a store
    python -m console.fleetsim --stations 50 --keys FILE        # the import-stations lines only
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from console import states
from forms import divisions
from sync import fleet_report, signing

CURRENT = "1.5.0"
LAST_MONTH = "1.4.2"
OLDER = "1.3.0"
CATALOGUE_CURRENT = "2026.11.2"
CATALOGUE_OLD = "2026.10.1"
BUNDLES = (
    "newborn",
    "retirement",
    "after_death",
    "resident_pension",
    "senior_allowance",
    "disability_subsidies",
    "sole_proprietor",
)
_TOWNSHIP_HEADS = "东西南北新大小长红兴安平福太和永宁丰金河山石桥青松柳杨王李张高白黄"
_TOWNSHIP_TAILS = ("镇", "乡", "街道")


@dataclass
class SimStation:
    station_id: str
    division_code: str
    city: str
    county: str
    township: str
    name: str
    ring: str
    key: Ed25519PrivateKey = field(repr=False)
    profile: dict[str, Any] = field(default_factory=dict)

    @property
    def public_key(self) -> str:
        return signing.b64(signing.raw_public(self.key.public_key()))

    def import_line(self) -> dict[str, Any]:
        """One line of `console import-stations`."""
        return {
            "station_id": self.station_id,
            "public_key": self.public_key,
            "division_code": self.division_code,
            "city": self.city,
            "county": self.county,
            "township": self.township,
            "name": self.name,
            "address": f"{self.city}{self.county}{self.township}",
            "ring": self.ring,
        }


def _counties() -> list[tuple[str, str, str]]:
    out = []
    for city_code, counties in divisions.LIAONING_COUNTIES.items():
        for code, name in counties.items():
            out.append((code, divisions.LIAONING_CITIES[city_code], name))
    return out


def _profile(rng: random.Random) -> dict[str, Any]:
    """What is wrong (or right) with one station, drawn once."""
    r = rng.random()
    version = CURRENT if r < 0.88 else LAST_MONTH if r < 0.98 else OLDER
    devices = {
        "id_reader": "ok",
        "receipt_printer": "ok",
        "camera": "ok",
        "a4_printer": "ok",
        "scanner": "ok" if rng.random() < 0.7 else "absent",
    }
    r = rng.random()
    if r < 0.04:
        devices["receipt_printer"] = "paper_low"
    elif r < 0.055:
        devices["receipt_printer"] = "paper_out"
    if rng.random() < 0.005:
        devices["id_reader"] = "missing"
    if rng.random() < 0.005:
        devices["camera"] = "missing"
    offline_h = 0.0
    r = rng.random()
    if r < 0.03:
        offline_h = rng.uniform(1, 20)
    elif r < 0.04:
        offline_h = rng.uniform(24, 24 * 6)
    return {
        "software_version": version,
        "catalogue_version": CATALOGUE_CURRENT if version == CURRENT or rng.random() < 0.5 else CATALOGUE_OLD,
        "devices": devices,
        "stuck_h": rng.uniform(5, 30) if rng.random() < 0.02 else 0.0,
        "failed": rng.randint(1, 3) if rng.random() < 0.01 else 0,
        "disk_free_mb": rng.uniform(100, 1500) if rng.random() < 0.005 else rng.uniform(20_000, 200_000),
        "offline_h": offline_h,
        "busy": rng.uniform(0.3, 3.0),  # how many applications an hour, roughly
        "bad_rate": rng.choice((0.0, 0.0, 0.02, 0.05, 0.15)),
    }


def make_fleet(n: int, seed: int = 1, pilot_every: int = 50) -> list[SimStation]:
    """N stations spread over Liaoning's 100 counties (division codes from forms/divisions.py)."""
    rng = random.Random(seed)
    counties = _counties()
    fleet = []
    per_county: dict[str, int] = {}
    for i in range(n):
        code, city, county = counties[i % len(counties)]
        number = per_county.get(code, 0) + 1
        per_county[code] = number
        township_rng = random.Random(f"{seed}|{code}|{(number - 1) // 8}")
        township = (
            township_rng.choice(_TOWNSHIP_HEADS)
            + township_rng.choice(_TOWNSHIP_HEADS)
            + township_rng.choice(_TOWNSHIP_TAILS)
        )
        sid = f"{code}-{number:04d}"
        secret = hashlib.sha256(f"fleetsim|{seed}|{sid}".encode()).digest()
        fleet.append(
            SimStation(
                station_id=sid,
                division_code=code,
                city=city,
                county=county,
                township=township,
                name=f"{township}第{(number - 1) % 8 + 1}政务服务驿站",
                ring="pilot" if number % pilot_every == 0 else "main",  # every 50th of each county
                key=Ed25519PrivateKey.from_private_bytes(secret),
                profile=_profile(rng),
            )
        )
    return fleet


def report(station: SimStation, seq: int, now: float, rng: random.Random | None = None) -> dict[str, Any]:
    """The station's report at `now` (the station's own builder, so it is one a station could send)."""
    rng = rng or random.Random(f"{station.station_id}|{seq}")
    p = station.profile
    day_start = fleet_report.start_of_day(now)
    # the day's figures grow with the hours, not with every report: a quiet hour's reports agree
    day_rng = random.Random(f"{station.station_id}|{int(day_start)}")
    hours = max(0.0, (now - day_start) / 3600 - 8)  # the station opens at 8
    served = int(p["busy"] * min(hours, 9) * day_rng.uniform(0.6, 1.4))
    submissions: dict[str, int] = {}
    ratings: dict[str, dict[str, int]] = {}
    bad: list[dict[str, Any]] = []
    for k in range(served):
        bundle = BUNDLES[day_rng.randrange(len(BUNDLES))]
        submissions[bundle] = submissions.get(bundle, 0) + 1
        x = day_rng.random()
        score = (
            1
            if x < p["bad_rate"] / 3
            else 2
            if x < p["bad_rate"]
            else 3
            if x < p["bad_rate"] + 0.05
            else 4
            if x < 0.35
            else 5
        )
        ratings.setdefault(bundle, {})
        ratings[bundle][str(score)] = ratings[bundle].get(str(score), 0) + 1
        if score <= 2:
            bad.append(
                {
                    "id": f"{station.station_id}-{int(day_start)}-{k}",
                    "created_at": day_start + 8 * 3600 + k * 600,
                    "bundle": bundle,
                    "score": score,
                    "tags": [day_rng.choice(fleet_report.RATING_REASONS)],
                }
            )
    pending = rng.randint(0, 3)
    oldest = rng.uniform(5, 600) if pending else None
    if p["stuck_h"]:
        pending = max(pending, rng.randint(2, 12))
        oldest = p["stuck_h"] * 3600
    return fleet_report.build_report(
        station_id=station.station_id,
        seq=seq,
        now=now,
        software_version=p["software_version"],
        catalogue_version=p["catalogue_version"],
        queue={"pending": pending, "failed": p["failed"], "oldest_age_s": oldest},
        last_sync_at=now - (oldest or rng.uniform(10, 300)),
        devices=p["devices"],
        disk_free_mb=p["disk_free_mb"],
        rollbacks=0,
        day=datetime.fromtimestamp(now).date().isoformat(),
        submissions=submissions,
        ratings=ratings,
        bad_ratings=bad,
    )


def signed(station: SimStation, body: bytes, now: float, path: str = "/api/v1/reports") -> dict[str, str]:
    """The identity headers a station sends with `body` (sync/signing.py, as for the platform)."""
    return {
        "Content-Type": "application/json",
        **signing.sign_headers(station.key, station.station_id, "POST", path, body, now),
    }


def reporting(fleet: list[SimStation]) -> list[SimStation]:
    """The stations that are online (the offline ones send nothing)."""
    return [s for s in fleet if not s.profile["offline_h"]]


def _state_age_s(station: SimStation, state: str) -> float:
    """How long a loaded station has been in its state: up to three days for 故障 and 需关注 (a
    stuck queue: as long as it is stuck), up to a month for 正常. Drawn from the station's id, not
    from the fleet's random stream, so the fleet itself stays what it was for each seed."""
    if station.profile.get("stuck_h"):
        return station.profile["stuck_h"] * 3600
    spread = 72 * 3600 if state in (states.FAULT, states.ATTENTION) else 30 * 86400
    digest = hashlib.sha256(f"since:{station.station_id}".encode()).digest()
    return 600 + int.from_bytes(digest[:4], "big") % spread


def load_into(store, fleet: list[SimStation], now: float) -> int:  # noqa: ANN001 - console.store.Store
    """Fast path for page tests: the stations and their current state straight into a store (no
    signatures, no history; alerts opened as ingest would open them)."""
    store.upsert_stations([s.import_line() for s in fleet])
    rows = []
    for station in fleet:
        doc = report(station, 1, now)
        received = now - station.profile["offline_h"] * 3600
        facts = {
            "devices": doc["devices"],
            "queue_pending": doc["queue"]["pending"],
            "queue_failed": doc["queue"]["failed"],
            "queue_oldest_age_s": doc["queue"]["oldest_age_s"],
            "last_sync_at": now - 60,
            "received_at": now,
            "disk_free_mb": doc["disk_free_mb"],
            "rollbacks": 0,
        }
        derived = states.derive(facts)
        rows.append(
            {
                "station_id": station.station_id,
                "last_seen": received,
                "heartbeat_at": received,
                "state": derived.state,
                "state_since": received - _state_age_s(station, derived.state),
                "alerts": list(derived.alerts),
                "software_version": doc["software_version"],
                "catalogue_version": doc["catalogue_version"],
                "queue_pending": doc["queue"]["pending"],
                "queue_failed": doc["queue"]["failed"],
                "queue_oldest_age_s": doc["queue"]["oldest_age_s"],
                "last_sync_at": facts["last_sync_at"],
                "disk_free_mb": doc["disk_free_mb"],
                "devices": doc["devices"],
            }
        )
    for start in range(0, len(rows), 2000):
        store.load_states(rows[start : start + 2000])
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m console.fleetsim", description="模拟驿站群：导入公钥、写入当前状态"
    )
    parser.add_argument("--stations", type=int, default=12000, help="驿站数（缺省 12000）")
    parser.add_argument("--seed", type=int, default=1, help="随机种子（缺省 1）")
    parser.add_argument("--keys", type=Path, help="把 import-stations 用的公钥清单写到这个文件")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--data", type=Path, help="把当前状态写入这个嵌入式数据库目录")
    where.add_argument("--db", help="把当前状态写入这个 PostgreSQL 数据库")
    args = parser.parse_args(argv)
    fleet = make_fleet(args.stations, args.seed)
    if args.keys:
        args.keys.write_text(
            "".join(json.dumps(s.import_line(), ensure_ascii=False) + "\n" for s in fleet), encoding="utf-8"
        )
    if args.data or args.db:
        import time

        from console.store import Store

        store = Store.open(data_dir=args.data, url=args.db)
        try:
            count = load_into(store, fleet, time.time())
        finally:
            store.close()
        print(f"已写入 {count} 个驿站的当前状态。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
