"""Backup and restore of a station with 1 000 applications: file size and seconds.

    python benchmarks/backup_restore.py [--n 1000] [--photo-kb 200] [--runs 3]

Each application has one photo of `--photo-kb` (random bytes: a JPEG does not compress either)
and goes through Store.submit, as the kiosk saves it. Then `backup_to` (the staff button's call;
scrypt included) writes the encrypted file and `restore` rebuilds the station in empty folders
(scrypt, decryption, manifest check, the integrity checks of Store.open, the new identity). The
baseline is copying the same data and key folders with shutil.copytree (no encryption, no check),
measured in the same run, so the ratio is what the safety costs on this machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kiosk.station.backup import backup_to, restore  # noqa: E402
from sync.store import Store  # noqa: E402
from tests.sync.helpers import sample_payload  # noqa: E402

PASSPHRASE = "benchmark recovery passphrase"


def main() -> int:
    parser = argparse.ArgumentParser(description="备份与恢复 1000 件申请：文件大小与耗时")
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--photo-kb", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        store = Store.open(work / "data", work / "keys")
        started = time.perf_counter()
        for n in range(args.n):
            photo = store.put_attachment(os.urandom(args.photo_kb * 1024))
            store.submit(sample_payload(str(n), attachments=[photo]))
        filled = time.perf_counter() - started
        data_bytes = sum(p.stat().st_size for p in (work / "data").rglob("*") if p.is_file())
        copies, backups, restores, sizes = [], [], [], []
        for run in range(args.runs):
            t = time.perf_counter()
            shutil.copytree(work / "data", work / f"copy{run}" / "data")
            shutil.copytree(work / "keys", work / f"copy{run}" / "keys")
            copies.append(time.perf_counter() - t)
            stick = work / f"usb{run}"
            stick.mkdir()
            result = backup_to(stick, store, work / "keys", PASSPHRASE)
            backups.append(result.seconds)
            sizes.append(result.size_bytes)
            t = time.perf_counter()
            target = work / f"new{run}"
            manifest = restore(result.path, PASSPHRASE, target / "data", target / "keys")
            restores.append(time.perf_counter() - t)
            assert manifest["counts"]["submissions"] == args.n
            check = Store.open(work / f"new{run}" / "data", work / f"new{run}" / "keys")
            assert len(check.outbox_rows(masked=False)) == args.n
            check.close()
        store.close()
    base = statistics.median(copies)
    print(f"\n{args.n} applications, one {args.photo_kb} KB photo each; data folder "
          f"{data_bytes / 1e6:.1f} MB (filled in {filled:.0f} s); {args.runs} runs\n")
    print("| step | seconds (runs) | median | × plain copy |")
    print("| --- | --- | --- | --- |")
    for name, times in (("baseline: copytree data + keys", copies), ("backup_to (scrypt, AES-GCM)", backups),
                        ("restore (scrypt, checks, open)", restores)):
        med = statistics.median(times)
        print(f"| {name} | {' / '.join(f'{x:.2f}' for x in times)} | {med:.2f} | {med / base:.1f} |")
    print(f"\nbackup file: {statistics.median(sizes) / 1e6:.1f} MB "
          f"({statistics.median(sizes) / data_bytes:.3f} × the data folder)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
