"""A staged rollout end to end, with real parts: a real console (SQLite in a tmp --data folder)
serving over HTTP on 127.0.0.1, a station store enrolled at the real reference platform (its
signing key pinned), a package made by `update make` with the platform's key, the commands
`console add-release`, `platform export-catalogue` and `update apply-staged` as a user runs them.

offer → signed download → sha256 → staged → apply-staged (root side) into a tmp install root →
`current` → the next report carries the version; a version that does not come up is rolled back
by versions.py, the report's rollbacks halt the pilot rollout, and the same version is not
installed again. Tampered files are refused, noted, reported by code and never fetched again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from console.ingest import problems_of
from console.store import Store as ConsoleStore
from kiosk.station import versions
from kiosk.station.status import shipped_catalogue_version
from kiosk.station.updates import installed_version
from sync import documents, enrollment, fleet_offers, signing
from sync.fleet_report import FleetReporter
from sync.platform.service import PlatformService
from sync.store import Store
from sync.update_package import sha256_file
from tests.console.helpers import running_console
from tests.sync.helpers import enrolled_store, start_platform

REPO = Path(__file__).resolve().parents[2]
STATION = "210124-0003"


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "main.py"), *args], cwd=REPO, capture_output=True,
                          text=True, timeout=120, env=dict(os.environ, NO_PROXY="*"))


@dataclass
class World:
    tmp: Path
    platform: PlatformService
    console: ConsoleStore

    @property
    def data(self) -> Path:
        return self.tmp / "kiosk-data"

    @property
    def keys(self) -> Path:
        return self.tmp / "kiosk-keys"

    @property
    def root(self) -> Path:
        return self.tmp / "opt"

    def station(self) -> Store:
        return Store.open(self.data, self.keys)

    def reporter(self, store: Store, base: str, version: str, **kwargs) -> FleetReporter:
        return FleetReporter(store, enrollment.station_key(self.keys), base, station_id=STATION,
                             software_version=version, catalogue_version=shipped_catalogue_version,
                             timeout_s=30, **kwargs)

    def package(self, version: str, platform_data: Path | None = None) -> Path:
        """A real package: a small program tree packed and signed by `update make`."""
        app = self.tmp / f"src-{version}-{(platform_data or self.tmp).name}"
        (app / "kiosk").mkdir(parents=True)
        (app / "main.py").write_text(f"print('station kiosk {version}')\n")
        (app / "kiosk" / "__init__.py").write_text("")
        out = self.tmp / f"station-kiosk-{version}-{(platform_data or self.tmp).name}.tar.gz"
        made = cli("update", "make", str(app), "--version", version, "--data",
                   str(platform_data or self.tmp / "platform"), "--out", str(out))
        assert made.returncode == 0, made.stderr
        return out

    def release(self, kind: str, path: Path) -> dict:
        added = cli("console", "add-release", "--kind", kind, "--file", str(path), "--data",
                    str(self.tmp / "console"))
        assert added.returncode == 0, added.stderr
        assert "已登记" in added.stdout
        return self.console.releases(kind)[0]

    def roll_out(self, kind: str, release: dict) -> int:
        return self.console.start_rollout(kind, release["version"], "省运维", artifact=release["artifact"])

    def apply_staged(self) -> subprocess.CompletedProcess:
        return cli("update", "apply-staged", "--root", str(self.root), "--data-dir", str(self.data),
                   "--key-dir", str(self.keys), "--no-restart")


@pytest.fixture
def world(tmp_path: Path):
    platform = start_platform(tmp_path / "platform")
    try:
        store, key_dir = enrolled_store(tmp_path, platform, station_id=STATION)
    finally:
        platform.server.shutdown()
        platform.server.server_close()
    store.close()
    key = enrollment.station_key(key_dir)
    console = ConsoleStore.open(data_dir=tmp_path / "console")
    console.upsert_station(STATION, signing.b64(signing.raw_public(key.public_key())), "210124",
                           township="叶茂台镇", name="叶茂台镇政务服务驿站", ring="pilot")
    yield World(tmp_path, platform.service, console)
    console.close()


def _install_base(world: World) -> None:
    """The station runs 0.1.5 from ROOT/versions (installed and proven, as after an earlier update)."""
    base = cli("update", "apply", str(world.package("0.1.5")), "--root", str(world.root),
               "--data-dir", str(world.data), "--key-dir", str(world.keys), "--no-restart")
    assert base.returncode == 0, base.stderr
    versions.confirm(world.root)
    assert installed_version(world.root) == "0.1.5"


def test_a_rollout_reaches_the_station_installs_and_a_rollback_halts_it(world: World) -> None:
    _install_base(world)
    release = world.release("software", world.package("0.2.0"))
    assert release["artifact"] == f"/api/v1/artifacts/{release['sha256']}"
    rollout = world.roll_out("software", release)
    store = world.station()
    with running_console(world.console) as base:
        reporter = world.reporter(store, base, "0.1.5")
        assert reporter.run_once(), reporter.last_error          # report → offer → download, staged
        [staged] = fleet_offers.staged_packages(world.data)
        assert staged.name == "0.2.0.tar.gz" and sha256_file(staged) == release["sha256"]
        assert reporter.run_once() and reporter.act() == "waiting"   # one at a time, not fetched again
    store.close()

    applied = world.apply_staged()                                # the root side (the .path unit)
    assert applied.returncode == 0, applied.stderr
    assert "已安装版本 0.2.0" in applied.stdout
    assert os.readlink(world.root / "current") == "versions/0.2.0"
    assert fleet_offers.staged_packages(world.data) == []
    assert world.apply_staged().stdout.strip() == "没有待安装的更新包。"

    store = world.station()
    with running_console(world.console) as base:                  # the kiosk restarted on 0.2.0
        reporter = world.reporter(store, base, installed_version(world.root))
        assert reporter.run_once(), reporter.last_error
        assert reporter.act() == "none"
    assert world.console.station(STATION)["software_version"] == "0.2.0"
    assert world.console.rollouts()[0]["on_version"] == 1

    # 0.2.0 never comes up on this PC: the version guard counts its starts and rolls it back
    for _ in range(versions.MAX_STARTS + 1):
        versions.trial_start(world.root)
    assert installed_version(world.root) == "0.1.5"
    with running_console(world.console) as base:
        reporter = world.reporter(store, base, installed_version(world.root),
                                  last_rollback_at=lambda: versions.last_rollback(world.root)["at"])
        reporter.make()
        assert reporter.send(), reporter.last_error
    halted = world.console.rollouts()[0]
    assert halted["state"] == "halted" and STATION in halted["halted_reason"]

    # staff resume it (not the update's fault, they think): the station fetches it once more,
    # the root side refuses a version that was rolled back here, and it is never fetched again
    assert world.console.resume_rollout(rollout)
    with running_console(world.console) as base:
        reporter = world.reporter(store, base, "0.1.5")
        assert reporter.run_once()
        assert len(fleet_offers.staged_packages(world.data)) == 1
    store.close()
    refused = world.apply_staged()
    assert refused.returncode == 1 and "退回" in refused.stderr
    assert installed_version(world.root) == "0.1.5"
    assert fleet_offers.refusals(world.data)[release["sha256"]]["code"] == "rolled_back"
    assert (fleet_offers.refused_dir(world.data) / f"{release['sha256']}.tar.gz").exists()
    status = cli("status", "--data-dir", str(world.data), "--key-dir", str(world.keys), "--timeout", "0.2")
    [line] = [x for x in status.stdout.splitlines() if x.startswith("拒收的更新包")]     # `status` says it
    assert "版本 0.2.0，版本 0.2.0 曾在本机安装后未能正常启动而退回" in line, status.stdout
    _reported_and_not_fetched_again(world, "0.2.0", "rolled_back")


def _reported_and_not_fetched_again(world: World, version: str, code: str) -> dict:
    """The next round: the refused file is not fetched again, and the report says why (codes
    only). The console's newest history entry for the station, for further checks."""
    store = world.station()
    with running_console(world.console) as base:
        reporter = world.reporter(store, base, "0.1.5")
        assert reporter.run_once()
        assert reporter.act() == "none" and fleet_offers.staged_packages(world.data) == []
    store.close()
    [latest] = world.console.station_history(STATION, limit=1)
    assert latest["report"]["offers_refused"] == [{"kind": "software", "version": version, "code": code}]
    return latest


def _lying_console(world: World, case: str) -> dict:
    """A release whose file is not what a station may take (the console is not trusted)."""
    if case == "sha_mismatch":
        release = world.release("software", world.package("0.2.0"))
        world.console.query("UPDATE artifacts SET content = ? WHERE sha256 = ? RETURNING sha256",
                            [b"not the registered bytes", release["sha256"]])
        return release
    if case == "bad_signature":               # a well-formed package signed by another key
        return world.release("software", world.package("0.2.0", platform_data=world.tmp / "stranger"))
    older = world.package("0.1.0")            # an old package offered under a newer version
    world.console.add_artifact("software", "0.3.0", older.read_bytes())
    return world.console.releases("software")[0]


@pytest.mark.parametrize("case", ["sha_mismatch", "bad_signature", "not_newer"])
def test_a_tampered_package_is_refused_noted_reported_and_not_fetched_again(world: World, case: str) -> None:
    _install_base(world)
    release = _lying_console(world, case)
    world.roll_out("software", release)
    store = world.station()
    with running_console(world.console) as base:
        reporter = world.reporter(store, base, "0.1.5")
        assert reporter.run_once()
    store.close()
    if case != "sha_mismatch":                # the download matched: the root side finds out
        assert len(fleet_offers.staged_packages(world.data)) == 1
        refused = world.apply_staged()
        assert refused.returncode == 1, refused.stdout
        assert refused.stderr.startswith("未安装：") and "Traceback" not in refused.stderr
    assert fleet_offers.staged_packages(world.data) == []
    assert installed_version(world.root) == "0.1.5"
    assert fleet_offers.refusals(world.data)[release["sha256"]]["code"] == case
    latest = _reported_and_not_fetched_again(world, release["version"], case)
    assert problems_of(latest["report"]) == []


def test_the_console_being_down_changes_nothing(world: World) -> None:
    release = world.release("software", world.package("0.2.0"))
    world.roll_out("software", release)
    store = world.station()
    with running_console(world.console) as base:
        pass                                  # the console is gone again
    before = store.pending_summary()
    reporter = world.reporter(store, base, "0.1.5", act_on_offers=True)
    assert not reporter.run_once() and "无法连接" in reporter.last_error
    reporter.store.set_setting("fleet_offers", json.dumps(
        [{"kind": "software", "version": "0.2.0", "artifact": release["artifact"],
          "sha256": release["sha256"], "size": 10}]))
    assert reporter.act() == "later"          # the offer of an earlier answer waits for the console
    assert fleet_offers.staged_packages(world.data) == [] and fleet_offers.refusals(world.data) == {}
    assert store.pending_summary() == before
    store.close()


def _catalogue_release(world: World, service: PlatformService, version: str) -> dict:
    from forms.catalogue import shipped_catalogue_document

    document = dict(shipped_catalogue_document(), version=version)
    service.publish_catalogue(document, "all")
    out = world.tmp / f"catalogue-{version}-{service.data_dir.name}.json"
    exported = cli("platform", "export-catalogue", "--out", str(out), "--data", str(service.data_dir))
    assert exported.returncode == 0, exported.stderr
    return world.release("catalogue", out)


def test_a_catalogue_offer_goes_through_the_platform_signature_check(world: World) -> None:
    stranger = PlatformService(world.tmp / "stranger")
    forged = _catalogue_release(world, stranger, "2099.1.1")     # right format, foreign key
    rollout = world.roll_out("catalogue", forged)
    store = world.station()
    with running_console(world.console) as base:
        reporter = world.reporter(store, base, "0.1.5")
        assert reporter.run_once()
        assert store.document_info("catalogue") is None
        assert documents.refused_catalogue(store)["version"] == "2099.1.1"     # `status` shows it
        assert fleet_offers.refusals(world.data)[forged["sha256"]]["code"] == "bad_signature"
        assert reporter.act() == "none"                           # not fetched again

        assert world.console.halt_rollout(rollout, "伪造的事项目录")
        genuine = _catalogue_release(world, world.platform, "2099.1.2")
        world.roll_out("catalogue", genuine)
    with running_console(world.console) as base:                 # a fresh offer cache
        reporter = world.reporter(store, base, "0.1.5")
        assert reporter.run_once()
        assert store.document_info("catalogue")["version"] == "2099.1.2"
        assert documents.refused_catalogue(store) is None
        assert (world.data / "catalogues" / "catalogue-2099.1.2.json").exists()
        assert reporter.act() == "none"
        assert reporter.run_once()
    assert world.console.station(STATION)["catalogue_version"] == "2099.1.2"
    store.close()


def test_artifacts_are_served_only_to_signed_known_stations(world: World) -> None:
    import requests

    release = world.release("software", world.package("0.2.0"))
    key = enrollment.station_key(world.keys)
    with running_console(world.console) as base:
        url = base.rsplit("/api/v1", 1)[0] + release["artifact"]
        assert requests.get(url, timeout=30).status_code == 401
        now = world.console.clock()
        signed = signing.sign_headers(key, STATION, "GET", release["artifact"], b"", now)
        got = requests.get(url, headers=signed, timeout=30)
        assert got.status_code == 200 and got.content == (world.tmp / "station-kiosk-0.2.0-"
                                                          f"{world.tmp.name}.tar.gz").read_bytes()
        other = signing.sign_headers(key, "210124-0099", "GET", release["artifact"], b"", now)
        assert requests.get(url, headers=other, timeout=30).status_code == 403
        missing = release["artifact"][:-1] + ("0" if release["artifact"][-1] != "0" else "1")
        lost = requests.get(base.rsplit("/api/v1", 1)[0] + missing, timeout=30,
                            headers=signing.sign_headers(key, STATION, "GET", missing, b"", now))
        assert lost.status_code == 404 and lost.json()["error"] == "not_found"


def test_add_release_refuses_what_is_not_a_release(world: World, tmp_path: Path) -> None:
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a package")
    refused = cli("console", "add-release", "--kind", "software", "--file", str(junk),
                  "--data", str(tmp_path / "console"))
    assert refused.returncode == 1 and "更新包" in refused.stderr and "Traceback" not in refused.stderr
    package = world.package("0.2.0")
    refused = cli("console", "add-release", "--kind", "catalogue", "--file", str(package),
                  "--data", str(tmp_path / "console"))
    assert refused.returncode == 1 and "事项目录" in refused.stderr
    missing = cli("console", "add-release", "--kind", "software", "--file", str(tmp_path / "none"),
                  "--data", str(tmp_path / "console"))
    assert missing.returncode == 2 and "找不到文件" in missing.stderr
    world.release("software", package)
    other = world.package("0.2.0", platform_data=world.tmp / "stranger")
    again = cli("console", "add-release", "--kind", "software", "--file", str(other),
                "--data", str(tmp_path / "console"))
    assert again.returncode == 1 and "同一版本号只能对应一个文件" in again.stderr
    assert world.console.releases("software")[0]["sha256"] == sha256_file(package)
    nothing = cli("platform", "export-catalogue", "--out", str(tmp_path / "c.json"),
                  "--data", str(tmp_path / "empty-platform"))
    assert nothing.returncode == 1 and "没有发布过" in nothing.stderr


def test_release_files_and_offers_on_both_engines(store: ConsoleStore) -> None:
    """The bytes round-trip (BLOB / BYTEA) and the offer carries the file's hash and size only
    when the release has a file (a rollout made before 1.1 is offered as before)."""
    from console.ingest import Ingest

    data = bytes(range(256)) * 1000
    release = store.add_artifact("software", "1.6.0", data)
    assert store.artifact(release["sha256"]) == data and store.artifact("0" * 64) is None
    store.start_rollout("software", "1.6.0", "admin", artifact=release["artifact"])
    store.start_rollout("catalogue", "2026.12.1", "admin", artifact="catalogue-2026.12.1.json")
    ingest = Ingest(store)
    try:
        offers = sorted(ingest.offers("pilot"), key=lambda o: o["kind"])
    finally:
        ingest.close()
    assert offers == [
        {"kind": "catalogue", "version": "2026.12.1", "artifact": "catalogue-2026.12.1.json"},
        {"kind": "software", "version": "1.6.0", "artifact": f"/api/v1/artifacts/{release['sha256']}",
         "sha256": release["sha256"], "size": len(data)},
    ]
    reply = {"accepted": True, "station_id": "x", "state": "ok", "received_at": "2026-12-07T00:00:00Z",
             "next_report_s": 60, "offers": offers}
    assert problems_of(reply, "Accepted") == []


def test_a_failure_that_may_pass_parks_the_package_and_the_kiosk_stages_it_again(world: World) -> None:
    """The install disk refuses (here: ROOT/versions is a file): no refusal note, no start loop
    for the path unit (nothing matches its glob), and an hour later the kiosk stages it again."""
    release = world.release("software", world.package("0.2.0"))
    world.roll_out("software", release)
    world.root.mkdir()
    (world.root / "versions").write_text("not a folder")
    store = world.station()
    with running_console(world.console) as base:
        reporter = world.reporter(store, base, "0.1.0")
        assert reporter.run_once()
        failed = world.apply_staged()
        assert failed.returncode == 1 and "一小时后再试" in failed.stderr and "Traceback" not in failed.stderr
        assert fleet_offers.staged_packages(world.data) == [] and fleet_offers.refusals(world.data) == {}
        assert reporter.act() == "waiting"                        # parked, not downloaded again
        [parked] = fleet_offers.staged_dir(world.data).glob(".*.retry")
        hour_ago = parked.stat().st_mtime - fleet_offers.RETRY_AFTER_S
        os.utime(parked, (hour_ago, hour_ago))
        assert reporter.act() == "staged"
        assert [p.name for p in fleet_offers.staged_packages(world.data)] == ["0.2.0.tar.gz"]
    store.close()
    (world.root / "versions").unlink()
    applied = world.apply_staged()
    assert applied.returncode == 0, applied.stderr
    assert installed_version(world.root) == "0.2.0"
