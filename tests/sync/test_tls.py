"""HTTPS to the platform: real TLS servers on 127.0.0.1 with certificates made here by
`cryptography`, the CA pinned at enrollment, and an HTTP proxy from the configuration.

A certificate from another CA, for another host or expired sends nothing (the platform's recorder
sees no request) and says so in Chinese with the word 证书; the rows stay queued (exit 3)."""

from __future__ import annotations

import datetime
import select
import socket
import threading
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from sync.platform.server import start_in_thread
from sync.platform.service import PlatformService
from tests.sync.station_faults import Station, plain

NOW = datetime.datetime.now(datetime.UTC)


def _name(text: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, text)])


def make_ca(folder: Path, name: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(_name(name)).issuer_name(_name(name))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(NOW - datetime.timedelta(days=1))
            .not_valid_after(NOW + datetime.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    path = folder / f"{name}-ca.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key, cert, path


def make_server_cert(folder: Path, ca: tuple, name: str, hosts: list[x509.GeneralName],
                     expired: bool = False) -> tuple[Path, Path]:
    ca_key, ca_cert, _ = ca
    key = ec.generate_private_key(ec.SECP256R1())
    start, end = (NOW - datetime.timedelta(days=30), NOW - datetime.timedelta(days=1)) if expired else \
        (NOW - datetime.timedelta(days=1), NOW + datetime.timedelta(days=90))
    cert = (x509.CertificateBuilder().subject_name(_name(name)).issuer_name(ca_cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(end)
            .add_extension(x509.SubjectAlternativeName(hosts), critical=False)
            .sign(ca_key, hashes.SHA256()))
    cert_path, key_path = folder / f"{name}.pem", folder / f"{name}-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


LOOPBACK = [x509.IPAddress(__import__("ipaddress").ip_address("127.0.0.1")), x509.DNSName("localhost")]


class ConnectProxy:
    """A real HTTP proxy (CONNECT tunnels) on 127.0.0.1, counting the tunnels it opened."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.tunnels: list[str] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._tunnel, args=(client,), daemon=True).start()

    def _tunnel(self, client: socket.socket) -> None:
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = client.recv(4096)
            if not chunk:
                return
            head += chunk
        target = head.split(b" ")[1].decode()
        self.tunnels.append(target)
        host, port = target.rsplit(":", 1)
        upstream = socket.create_connection((host, int(port)))
        client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        pair = {client: upstream, upstream: client}
        try:
            while True:
                ready, _, _ = select.select(list(pair), [], [], 30)
                if not ready:
                    return
                for s in ready:
                    data = s.recv(65536)
                    if not data:
                        return
                    pair[s].sendall(data)
        except OSError:
            return
        finally:
            client.close()
            upstream.close()

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def pki(tmp_path):
    folder = tmp_path / "pki"
    folder.mkdir()
    return folder, make_ca(folder, "county"), make_ca(folder, "stranger")


def _serve(service: PlatformService, cert: tuple[Path, Path], records: list, port: int = 0):
    return start_in_thread(service, "127.0.0.1", port, recorder=records.append, tls=cert)


def test_https_with_the_pinned_ca_and_every_wrong_certificate(tmp_path, pki):
    folder, county, stranger = pki
    service = PlatformService(tmp_path / "platform")
    records: list = []
    good = make_server_cert(folder, county, "platform", LOOPBACK)
    server = _serve(service, good, records)
    url, port = server.url, server.server_address[1]
    assert url.startswith("https://127.0.0.1:")
    station = Station(tmp_path / "kiosk")
    station.root.mkdir()
    done = station.run("enroll", "--platform-url", url, "--station-id", "210102-0001", "--code",
                       service.new_enrollment_code(), "--ca-file", str(county[2]), *station.dirs())
    assert done.returncode == 0, done.stderr
    station.queue(1)
    assert station.run("sync", "--once", *station.dirs()).returncode == 0
    assert len(service.submissions()) == 1
    server.shutdown()
    server.server_close()

    station.queue(1)
    cases = {
        "another CA": make_server_cert(folder, stranger, "impostor", LOOPBACK),
        "another host": make_server_cert(folder, county, "elsewhere", [x509.DNSName("zwfw.example")]),
        "expired": make_server_cert(folder, county, "old", LOOPBACK, expired=True),
    }
    for case, cert in cases.items():
        records.clear()
        server = _serve(service, cert, records, port)
        try:
            synced = station.run("sync", "--once", *station.dirs())
        finally:
            server.shutdown()
            server.server_close()
        assert synced.returncode == 3, (case, synced.stderr)
        assert "证书" in synced.stderr and plain(synced), (case, synced.stderr)
        assert records == [], case                       # nothing reached the platform
    assert len(service.submissions()) == 1


def test_an_unpinned_station_refuses_a_self_made_certificate_at_enrollment(tmp_path, pki):
    folder, county, _ = pki
    service = PlatformService(tmp_path / "platform")
    server = _serve(service, make_server_cert(folder, county, "platform", LOOPBACK), [])
    try:
        station = Station(tmp_path / "kiosk")
        station.root.mkdir()
        done = station.run("enroll", "--platform-url", server.url, "--station-id", "210102-0001",
                           "--code", service.new_enrollment_code(), *station.dirs())
    finally:
        server.shutdown()
        server.server_close()
    assert done.returncode == 2 and "证书" in done.stderr and plain(done)


def test_the_configured_proxy_carries_the_https_traffic(tmp_path, pki):
    folder, county, _ = pki
    service = PlatformService(tmp_path / "platform")
    server = _serve(service, make_server_cert(folder, county, "platform", LOOPBACK), [])
    proxy = ConnectProxy()
    config = tmp_path / "station.toml"
    config.write_text(f'[platform]\nproxy = "http://127.0.0.1:{proxy.port}"\n', encoding="utf-8")
    try:
        station = Station(tmp_path / "kiosk")
        station.root.mkdir()
        done = station.run("enroll", "--config", str(config), "--platform-url", server.url,
                           "--station-id", "210102-0001", "--code", service.new_enrollment_code(),
                           "--ca-file", str(county[2]), *station.dirs())
        assert done.returncode == 0, done.stderr
        station.queue(1)
        synced = station.run("sync", "--once", "--config", str(config), *station.dirs())
        assert synced.returncode == 0, synced.stderr
    finally:
        server.shutdown()
        server.server_close()
        proxy.close()
    assert len(service.submissions()) == 1
    assert proxy.tunnels and all(t == f"127.0.0.1:{server.server_address[1]}" for t in proxy.tunnels)
