"""A throw-away PostgreSQL server in a temporary folder, for the tests and the benchmark.

Why a module of its own: the test fixture (tests/console/conftest.py) and
benchmarks/console_ingest.py must start PostgreSQL the same way, and CI runs as root, which
PostgreSQL refuses to run as. So: Debian's server binaries (`postgresql` in installer/setup.sh,
found under /usr/lib/postgresql/<major>/bin or through `pg_config --bindir`), `initdb` into a
temporary folder owned by an unprivileged user (the `postgres` user Debian's package creates, or
one created here), a free port on 127.0.0.1, trust authentication for that loopback port only.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

SUPERUSER = "console"  # the database role initdb creates (trust auth on 127.0.0.1)
_FALLBACK_OS_USER = "consolepg"


class PostgresUnavailable(RuntimeError):
    """The server binaries are missing or the server did not start (message in Chinese)."""


def find_bindir() -> Path | None:
    """Where `initdb`, `pg_ctl` and `postgres` live: PG_BINDIR, Debian's versioned folders (the
    newest major first), then `pg_config --bindir`, then PATH."""
    candidates: list[Path] = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(Path(os.environ["PG_BINDIR"]))
    root = Path("/usr/lib/postgresql")
    if root.is_dir():
        majors = sorted(
            (p for p in root.iterdir() if p.name.split(".")[0].isdigit()),
            key=lambda p: int(p.name.split(".")[0]),
            reverse=True,
        )
        candidates += [p / "bin" for p in majors]
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, timeout=10)
            if out.returncode == 0 and out.stdout.strip():
                candidates.append(Path(out.stdout.strip()))
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).parent)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _os_user() -> pwd.struct_passwd | None:
    """The unprivileged account to run the server as when we are root; None when we are not."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", _FALLBACK_OS_USER):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", _FALLBACK_OS_USER],
        check=True,
        capture_output=True,
    )
    return pwd.getpwnam(_FALLBACK_OS_USER)


class TempPostgres:
    """One server: `start()`, `url(dbname)`, `create_database()`, `stop()`; also a context manager.

    `durable=False` (tests) turns fsync off: the tests check behaviour, not crash safety. The
    benchmark keeps the defaults, so its figures are those of a real deployment's commits.
    """

    def __init__(self, durable: bool = False, base: Path | None = None) -> None:
        self.durable = durable
        self.bindir = find_bindir()
        self._base = base
        self.folder: Path | None = None
        self.port = 0
        self._user = None

    def __enter__(self) -> TempPostgres:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self, args: list[str], timeout: float = 120) -> subprocess.CompletedProcess:
        if self._user is not None:
            args = [
                "setpriv",
                f"--reuid={self._user.pw_uid}",
                f"--regid={self._user.pw_gid}",
                "--clear-groups",
                "--",
                *args,
            ]
        return subprocess.run(
            args,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"},
        )

    def start(self) -> TempPostgres:
        if self.bindir is None:
            raise PostgresUnavailable(
                "找不到 PostgreSQL 服务器程序（initdb），"
                "请先运行 bash installer/setup.sh --dev 安装 postgresql。"
            )
        self._user = _os_user()
        self.folder = Path(tempfile.mkdtemp(prefix="console-pg-", dir=self._base))
        atexit.register(self.stop)  # an interrupted test run leaves no server behind
        data = self.folder / "data"
        if self._user is not None:
            os.chown(self.folder, self._user.pw_uid, self._user.pw_gid)
        done = self._run(
            [
                str(self.bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ]
        )
        if done.returncode != 0:
            raise PostgresUnavailable(f"PostgreSQL 初始化失败：{done.stderr.strip()[-400:]}")
        settings = [
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            f"unix_socket_directories={self.folder}",
            "-c",
            "max_connections=200",
            "-c",
            "shared_buffers=128MB",
        ]
        if not self.durable:
            settings += ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
        for _attempt in range(5):  # another process may take the free port before we bind it
            self.port = free_port()
            options = " ".join([f"-p {self.port}", *(f"{a}" for a in settings)])
            done = self._run(
                [
                    str(self.bindir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-l",
                    str(self.folder / "server.log"),
                    "-o",
                    options,
                    "-w",
                    "-t",
                    "60",
                    "start",
                ]
            )
            if done.returncode == 0:
                return self
            time.sleep(0.2)
        log = (
            (self.folder / "server.log").read_text(errors="replace")[-600:]
            if (self.folder / "server.log").exists()
            else done.stderr
        )
        self.stop()
        raise PostgresUnavailable(f"PostgreSQL 没有启动：{log.strip()}")

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, name: str | None = None) -> str:
        """A fresh, empty database; returns its URL."""
        import psycopg

        name = name or f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        if self.folder is None:
            return
        data = self.folder / "data"
        if (data / "postmaster.pid").exists() and self.bindir is not None:
            self._run([str(self.bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"])
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder = None
