"""The "printer" for the demo and for stations without one: write each PDF into a folder."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from devices.printer.a4.types import JobOutcome, PrintError, PrintJob


class PdfFolderPrinter:
    """Writes each job as `<time>-<title>.pdf` (atomically: temp file, then rename)."""

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)
        self.name = f"pdf:{self.folder}"
        self._count = 0

    def submit(self, pdf: bytes, title: str) -> PrintJob:
        if not pdf.startswith(b"%PDF-"):
            raise PrintError("要打印的文件不是 PDF")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._count += 1
            safe = re.sub(r"[^\w\u4e00-\u9fff-]+", "_", title)[:60] or "document"
            path = self.folder / f"{time.strftime('%Y%m%d-%H%M%S')}-{self._count:03d}-{safe}.pdf"
            tmp = path.with_suffix(".part")
            tmp.write_bytes(pdf)
            os.replace(tmp, path)
        except OSError as exc:
            raise PrintError(f"无法写入 PDF 文件夹 {self.folder}：{exc.strerror or exc}") from exc
        return PrintJob(self.name, self._count, title, path)

    def follow(self, job: PrintJob, timeout_s: float = 0.0, **_: float) -> JobOutcome:
        if job.path is not None and job.path.exists():
            return JobOutcome(job, "completed", f"已保存为 PDF：{job.path}")
        return JobOutcome(job, "aborted", "PDF 文件没有写成")
