"""A new catalogue from `platform publish-catalogue` to the kiosks, end to end: the real command
line, the real reference platform on 127.0.0.1, real stores and delivery workers. The pilot ring
takes it first, then everyone; a tampered download is refused and kept out; an application
started under the old version finishes under it, the next one starts under the new one."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
from pathlib import Path

from forms.catalogue import SHIPPED_DIR
from forms.examples import example
from kiosk.station.catalogue import NewestCatalogue
from kiosk.station.status import store_facts
from kiosk.ui.journey import Journey
from sync import enrollment
from sync.documents import CATALOGUE_COPIES, catalogue_in_use, refused_catalogue
from sync.worker import DeliveryWorker
from tests.sync.helpers import PYTHON, REPO, enrolled_store

ENV = {**os.environ, "PYTHONPATH": str(REPO)}
NEW = "2099.1.1"


def main(*args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([PYTHON, str(REPO / "main.py"), *args], capture_output=True, text=True,
                            env=ENV, cwd=REPO, timeout=120)
    assert "Traceback" not in result.stderr
    return result


def new_catalogue(tmp_path: Path, version: str = NEW, bundle_version: str = "2099.1") -> Path:
    """The shipped catalogue as an author's next version: index.json and newborn bumped."""
    folder = tmp_path / f"catalogue-{version}"
    shutil.copytree(SHIPPED_DIR, folder)
    index = json.loads((folder / "index.json").read_text("utf-8"))
    (folder / "index.json").write_text(json.dumps({**index, "version": version}, ensure_ascii=False), "utf-8")
    newborn = json.loads((folder / "newborn.json").read_text("utf-8"))
    (folder / "newborn.json").write_text(json.dumps({**newborn, "version": bundle_version},
                                                    ensure_ascii=False), "utf-8")
    return folder


def station(tmp_path, platform, name: str, station_id: str):  # noqa: ANN201
    store, keys = enrolled_store(tmp_path, platform, name=name, station_id=station_id)
    return store, DeliveryWorker(store, enrollment.make_client(store, keys))


def test_pilot_first_then_all_and_an_application_finishes_under_its_version(tmp_path, platform):
    data = str(platform.service.data_dir)
    pilot, pilot_worker = station(tmp_path, platform, "pilot", "210102-0001")
    other, other_worker = station(tmp_path, platform, "other", "210102-0002")
    shipped = catalogue_in_use(pilot)
    old_newborn = shipped.bundle("newborn").version

    # a resident on the pilot kiosk starts 新生儿出生一件事 under the version in use
    journey = Journey(NewestCatalogue(lambda: catalogue_in_use(pilot), pilot))
    ex = example("newborn")
    journey.identify(ex["applicant"])
    form = journey.choose("newborn")
    assert journey.bundle.version == old_newborn

    assert main("platform", "set-ring", "210102-0001", "pilot", "--data", data).returncode == 0
    folder = new_catalogue(tmp_path)
    published = main("platform", "publish-catalogue", str(folder), "--ring", "pilot", "--data", data)
    assert published.returncode == 0, published.stderr
    assert NEW in published.stdout

    for worker in (pilot_worker, other_worker):
        worker.run_once(force=True)
    assert pilot.document_info("catalogue")["version"] == NEW
    assert (Path(pilot.data_dir) / CATALOGUE_COPIES / f"catalogue-{NEW}.json").is_file()
    assert catalogue_in_use(pilot).version == NEW
    assert store_facts(pilot)["catalogue"]["version"] == NEW
    assert catalogue_in_use(other).version == shipped.version            # not in the pilot ring
    assert store_facts(other)["catalogue"]["version"] == shipped.version

    # the application started before the switch finishes under the old version
    for field_id, value in ex["answers"].items():
        form.answer(field_id, value)
    for material_id, choice in ex["materials"].items():
        form.set_material(material_id, choice["status"], choice.get("attachments", []))
    assert journey.payload()["bundle_version"] == old_newborn
    # the next resident's choice starts under the new one
    journey.wipe()
    journey.identify(ex["applicant"])
    journey.choose("newborn")
    assert journey.bundle.version == "2099.1"

    assert main("platform", "publish-catalogue", str(folder), "--ring", "all", "--data", data).returncode == 0
    other_worker.run_once(force=True)
    assert catalogue_in_use(other).version == NEW


def test_a_tampered_catalogue_is_refused_and_the_old_one_stays(tmp_path, platform, caplog):
    data = str(platform.service.data_dir)
    store, worker = station(tmp_path, platform, "kiosk", "210102-0001")
    shipped = catalogue_in_use(store).version
    assert main("platform", "publish-catalogue", str(new_catalogue(tmp_path)), "--ring", "all",
                "--data", data).returncode == 0
    # someone between the platform and the station changes the catalogue; the signature stays
    (release,) = (Path(data) / "catalogue-releases").glob("*.json")
    envelope = json.loads(release.read_text())
    document = json.loads(base64.b64decode(envelope["payload"]))
    document["bundles"][0]["name"] = "被篡改的一件事"
    envelope["payload"] = base64.b64encode(json.dumps(document, ensure_ascii=False).encode()).decode()
    release.write_text(json.dumps(envelope))

    report = worker.run_once(force=True)
    assert any("签名无效" in text for text in report.refused_documents)
    assert store.document_info("catalogue") is None or store.document_info("catalogue")["version"] != NEW
    assert not (Path(store.data_dir) / CATALOGUE_COPIES / f"catalogue-{NEW}.json").exists()
    assert catalogue_in_use(store).version == shipped
    refused = refused_catalogue(store)
    assert refused["version"] == NEW and "签名无效" in refused["reason"]
    assert store_facts(store)["catalogue"]["refused"]["version"] == NEW
    assert any("拒收事项目录" in r.getMessage() for r in caplog.records)
    store.close()
    status = main("status", "--data-dir", str(tmp_path / "kiosk-data"), "--key-dir",
                  str(tmp_path / "kiosk-keys"), "--port", "1", "--timeout", "0.2")
    rows = {line.split()[0]: line.split(maxsplit=1)[1] for line in status.stdout.splitlines()}
    assert rows["事项目录"].startswith(shipped)
    assert rows["拒收的事项目录"].startswith(f"版本 {NEW}，事项目录签名无效"), status.stdout


def test_publish_refuses_what_catalogue_validate_refuses(tmp_path, platform):
    data = str(platform.service.data_dir)
    folder = new_catalogue(tmp_path)
    newborn = json.loads((folder / "newborn.json").read_text("utf-8"))
    del newborn["name"]
    (folder / "newborn.json").write_text(json.dumps(newborn, ensure_ascii=False), "utf-8")
    validate = main("catalogue", "validate", str(folder))
    refused = main("platform", "publish-catalogue", str(folder), "--ring", "pilot", "--data", data)
    assert validate.returncode == 1 and refused.returncode == 1
    assert refused.stderr.count("\n") == 1 and "未发布" in refused.stderr
    assert not (Path(data) / "catalogue-releases").exists()
    not_a_folder = main("platform", "publish-catalogue", str(tmp_path / "nothing"), "--ring", "all",
                        "--data", data)
    assert not_a_folder.returncode == 2 and not_a_folder.stderr.count("\n") == 1
    older = new_catalogue(tmp_path, version="2000.1.1")
    assert main("platform", "publish-catalogue", str(older), "--ring", "all", "--data", data).returncode == 1
