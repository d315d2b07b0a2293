"""Signed software updates: `update make` (platform side) and `update apply` (station) on real
files, a real tar.gz, a station enrolled over HTTP at the loopback reference platform."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from kiosk.station.updates import UpdateRefused, apply_package, installed_version, make_package
from sync import enrollment, signing
from sync.platform.server import start_in_thread
from sync.platform.service import PlatformService
from sync.store import Store

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, env=dict(os.environ, NO_PROXY="*"))


@pytest.fixture
def station(tmp_path):
    """An enrolled station (platform key pinned by a real enrollment) and the platform's data dir."""
    service = PlatformService(tmp_path / "platform")
    server = start_in_thread(service)
    try:
        store = Store.open(tmp_path / "data", tmp_path / "keys")
        enrollment.enroll(store, tmp_path / "keys", server.url, "210102-0001", service.new_enrollment_code())
        store.close()
    finally:
        server.shutdown()
        server.server_close()
    return tmp_path


def app_tree(base: Path, marker: str) -> Path:
    (base / "kiosk").mkdir(parents=True)
    (base / "main.py").write_text(f"print('station kiosk {marker}')\n")
    (base / "kiosk" / "__init__.py").write_text("")
    (base / "__pycache__").mkdir()
    (base / "__pycache__" / "junk.pyc").write_bytes(b"x")
    return base


def make(station: Path, version: str, name: str) -> Path:
    app = app_tree(station / f"src-{name}", version)
    out = station / f"{name}.tar.gz"
    result = cli("update", "make", str(app), "--version", version, "--data", str(station / "platform"),
                 "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def apply(station: Path, package: Path) -> subprocess.CompletedProcess:
    return cli("update", "apply", str(package), "--root", str(station / "opt"),
               "--data-dir", str(station / "data"), "--key-dir", str(station / "keys"))


def rewrite(package: Path, out: Path, change) -> Path:  # noqa: ANN001 - change(name, bytes) -> bytes|None
    """Copy a package member by member, letting `change` alter or drop members."""
    with tarfile.open(package) as src, tarfile.open(out, "w:gz") as dst:
        for member in src:
            data = src.extractfile(member).read() if member.isfile() else b""
            data = change(member.name, data)
            if data is None:
                continue
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    return out


def test_a_signed_newer_package_installs_and_switches_current(station):
    package = make(station, "0.2.0", "v2")
    result = apply(station, package)
    assert result.returncode == 0, result.stderr
    current = station / "opt" / "current"
    assert current.is_symlink() and (current / "main.py").read_text() == "print('station kiosk 0.2.0')\n"
    # the package carried no bytecode (junk.pyc stayed behind); apply compiled the tree itself
    assert not (current / "__pycache__" / "junk.pyc").exists()
    assert any((current / "__pycache__").glob("main.cpython-*.pyc"))
    assert installed_version(station / "opt") == "0.2.0"
    newer = apply(station, make(station, "0.3.0", "v3"))
    assert newer.returncode == 0, newer.stderr
    assert os.readlink(current) == os.path.join("versions", "0.3.0")
    assert (station / "opt" / "versions" / "0.2.0" / "main.py").exists()   # the old one stays to go back
    store = Store.open(station / "data", station / "keys")
    events = [e["event"] for e in store.audit_entries()]
    assert events.count("update_installed") == 2 and store.verify_audit() is None
    store.close()


def refused(station: Path, package: Path, words: str) -> None:
    result = apply(station, package)
    assert result.returncode == 1, result.stdout
    assert words in result.stderr and "Traceback" not in result.stderr
    versions = station / "opt" / "versions"
    assert not versions.exists() or [p.name for p in versions.iterdir()] == ["0.2.0"]


def install_baseline(station: Path) -> None:
    assert apply(station, make(station, "0.2.0", "base")).returncode == 0


def test_older_or_same_version_is_refused(station):
    install_baseline(station)
    refused(station, make(station, "0.1.9", "old"), "不比正在使用的 0.2.0 新")
    assert installed_version(station / "opt") == "0.2.0"


def test_a_tampered_file_is_refused_and_current_is_untouched(station):
    install_baseline(station)
    good = make(station, "0.3.0", "v3")
    bad = rewrite(good, station / "bad.tar.gz",
                  lambda name, data: b"import os; os.system('rm -rf /')\n" if name == "app/main.py" else data)
    refused(station, bad, "与签名清单不符")
    assert installed_version(station / "opt") == "0.2.0"
    assert not any(p.name.startswith("0.3.0") for p in (station / "opt" / "versions").iterdir())


def test_an_edited_manifest_breaks_the_signature(station):
    install_baseline(station)
    good = make(station, "0.3.0", "v3")

    def bump(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["version"] = "9.0.0"
        return json.dumps(manifest).encode()

    refused(station, rewrite(good, station / "bad.tar.gz", bump), "签名与本机登记的省平台公钥不符")


def test_unsigned_and_foreign_signed_packages_are_refused(station):
    install_baseline(station)
    good = make(station, "0.3.0", "v3")
    unsigned = rewrite(good, station / "unsigned.tar.gz", lambda n, d: None if n == "manifest.sig" else d)
    refused(station, unsigned, "没有签名")
    foreign_key = signing.load_or_create_signing_key(station / "other" / "platform_ed25519.key")
    foreign = make_package(app_tree(station / "src-foreign", "x"), "0.4.0", foreign_key,
                           station / "foreign.tar.gz")
    assert foreign["version"] == "0.4.0"
    refused(station, station / "foreign.tar.gz", "签名与本机登记的省平台公钥不符")


def test_an_extra_file_or_a_link_smuggled_in_is_refused(station):
    install_baseline(station)
    good = make(station, "0.3.0", "v3")
    smuggled = station / "smuggled.tar.gz"
    with tarfile.open(good) as src, tarfile.open(smuggled, "w:gz") as dst:
        for member in src:
            dst.addfile(member, src.extractfile(member) if member.isfile() else None)
        link = tarfile.TarInfo("app/../../etc/evil")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        dst.addfile(link)
    refused(station, smuggled, "清单以外的内容")


def test_garbage_and_missing_files_get_a_chinese_message(station):
    (station / "garbage.tar.gz").write_bytes(b"not a tar at all" * 10)
    refused(station, station / "garbage.tar.gz", "不是有效的更新包")
    refused(station, station / "nothing.tar.gz", "找不到更新包")


def test_an_unenrolled_station_accepts_nothing(tmp_path):
    key = signing.load_or_create_signing_key(tmp_path / "platform" / "platform_ed25519.key")
    package = make_package(app_tree(tmp_path / "src", "x"), "0.2.0", key, tmp_path / "p.tar.gz")
    assert package["files"]
    with pytest.raises(UpdateRefused, match="尚未注册"):
        apply_package(tmp_path / "p.tar.gz", tmp_path / "opt", None, "0.1.0")
    assert not (tmp_path / "opt").exists()
