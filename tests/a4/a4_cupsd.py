"""A private CUPS server for the tests, with a cups-pdf queue that writes PDFs into a temp folder.

cups-pdf reads its settings from the fixed path /etc/cups/cups-pdf.conf. So that the tests write
nothing outside their temp folder, cupsd runs in its own mount namespace (`unshare -m`, root only)
where a temp copy of that file is bind-mounted over the real one; the system's CUPS is untouched.
If cupsd cannot be started that way, `PrivateCups.start` raises CupsUnavailable (tests then skip).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

PDF_QUEUE = "kiosk-pdf"
OFFLINE_QUEUE = "kiosk-offline"
PPD_CANDIDATES = [Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd"),
                  Path("/usr/share/ppd/cups-pdf/CUPS-PDF_noopt.ppd")]


class CupsUnavailable(RuntimeError):
    pass


class PrivateCups:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.socket = str(root / "cups.sock")
        self.out = root / "out"
        self.process: subprocess.Popen[bytes] | None = None

    def _write_config(self) -> None:
        r = self.root
        for sub in ("etc", "etc/ppd", "spool", "spool/tmp", "cache", "state", "log", "out", "cups-pdf-spool"):
            (r / sub).mkdir(parents=True, exist_ok=True)
        for path in [r, *r.rglob("*")]:
            if path.is_dir():
                path.chmod(0o777 if path.name in ("out", "tmp", "cups-pdf-spool") else 0o755)
        (r / "etc" / "cupsd.conf").write_text(f"""Listen {self.socket}
LogLevel info
MaxLogSize 0
WebInterface No
Browsing No
ErrorPolicy stop-printer
JobRetryInterval 1
<Location />
  Order allow,deny
  Allow all
</Location>
<Location /admin>
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
""")
        (r / "etc" / "cups-files.conf").write_text(f"""ServerRoot {r}/etc
RequestRoot {r}/spool
TempDir {r}/spool/tmp
CacheDir {r}/cache
StateDir {r}/state
ErrorLog {r}/log/error_log
AccessLog {r}/log/access_log
PageLog {r}/log/page_log
ServerBin /usr/lib/cups
DataDir /usr/share/cups
FileDevice Yes
Printcap {r}/printcap
""")
        (r / "cups-pdf.conf").write_text(
            f"Out {self.out}\nAnonDirName {self.out}\nLabel 1\nUserUMask 0000\nLog {r}/log\nLogType 7\n"
            f"Spool {r}/cups-pdf-spool\n")

    def start(self) -> None:
        for tool in ("cupsd", "lpadmin", "unshare", "mount"):
            if shutil.which(tool) is None:
                raise CupsUnavailable(f"缺少 {tool}（apt-get install cups printer-driver-cups-pdf）")
        if not Path("/usr/lib/cups/backend/cups-pdf").exists():
            raise CupsUnavailable("缺少 cups-pdf 后端（apt-get install printer-driver-cups-pdf）")
        if os.geteuid() != 0:
            raise CupsUnavailable("私有 cupsd 需要 root 权限（挂载命名空间）")
        self._write_config()
        script = (f"mount --bind {self.root}/cups-pdf.conf /etc/cups/cups-pdf.conf && "
                  f"exec cupsd -f -c {self.root}/etc/cupsd.conf -s {self.root}/etc/cups-files.conf")
        self.process = subprocess.Popen(["unshare", "-m", "--propagation", "private", "sh", "-c", script],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(100):
            if Path(self.socket).exists():
                break
            if self.process.poll() is not None:
                err = self.process.stderr.read().decode(errors="replace") if self.process.stderr else ""
                raise CupsUnavailable(f"cupsd 无法启动：{err.strip()[:300]}")
            time.sleep(0.05)
        else:
            self.stop()
            raise CupsUnavailable("cupsd 没有在 5 秒内就绪")

    def env(self) -> dict[str, str]:
        return {**os.environ, "CUPS_SERVER": self.socket}

    def add_pdf_printer(self, name: str) -> None:
        ppd = next((p for p in PPD_CANDIDATES if p.exists()), None)
        args = ["lpadmin", "-p", name, "-E", "-v", "cups-pdf:/"]
        args += ["-P", str(ppd)] if ppd else ["-m", "raw"]
        # cups-pdf turns PostScript back into PDF with Ghostscript; only the pdftocairo renderer
        # keeps the text extractable on the way to PostScript (gs and poppler's pdftops do not).
        args += ["-o", "pdftops-renderer-default=pdftocairo"]
        subprocess.run(args, env=self.env(), check=True, capture_output=True, timeout=30)

    def add_printer(self, name: str, uri: str) -> None:
        subprocess.run(["lpadmin", "-p", name, "-E", "-v", uri, "-m", "raw"], env=self.env(),
                       check=False, capture_output=True, timeout=30)
        # "-m raw" is refused by newer CUPS; a PPD-less queue works the same for PDF pass-through.
        subprocess.run(["lpadmin", "-p", name, "-E", "-v", uri], env=self.env(), check=True,
                       capture_output=True, timeout=30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
