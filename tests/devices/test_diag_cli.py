"""`main.py diag id-reader` and `diag printer` as a technician runs them: real processes."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from devices.idcard.card import DIAG_KEYS
from devices.idcard.samples import sample_cards
from devices.idcard.simulator import ReaderSimulator

ROOT = Path(__file__).resolve().parents[2]


def run_main(*args: str, timeout: float = 30) -> tuple[subprocess.CompletedProcess, float]:
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)
    return proc, time.monotonic() - start


@pytest.mark.parametrize("card", ["resident", "hk_mo_tw", "foreign_permanent", "foreign_2023"])
def test_diag_reads_every_card_type_from_the_simulator(card):
    proc, _ = run_main("diag", "id-reader", "--simulate", "--card", card, "--timeout", "5")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert tuple(data) == DIAG_KEYS
    assert data["card_type"] == card
    assert data["photo_bytes"] == 1024
    expected = sample_cards()[card].as_diag_dict()
    assert data == expected


def test_diag_reads_from_a_port(tmp_path):
    with ReaderSimulator(tmp_path / "ttyUSB9") as sim:
        sim.place(sample_cards()["resident_long_term"])
        proc, _ = run_main("diag", "id-reader", "--port", sim.path, "--baud", "115200", "--timeout", "5")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["valid_to"] == "长期" and data["name"] == "李堃" and data["ethnicity"] == "满"
    assert data["nationality"] is None and data["pass_number"] is None


@pytest.mark.parametrize("fault,words", [
    ("no-card", "没有读到身份证"), ("checksum", "校验"), ("sam-error", "SAM"), ("silent", "无应答"),
    ("read-failed", "读卡失败"), ("unplug", "断开"),
])
def test_diag_fails_cleanly_on_each_fault(fault, words):
    proc, elapsed = run_main("diag", "id-reader", "--simulate", "--fault", fault, "--timeout", "2")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert words in proc.stderr and "Traceback" not in proc.stderr
    assert elapsed < 2 + 2 + 1.5  # the contract: within timeout + 2 s (plus interpreter start-up)


@pytest.mark.parametrize("fault", ["noise", "fragmented", "slow", "unplug-replug"])
def test_diag_rides_out_recoverable_faults(fault):
    proc, _ = run_main("diag", "id-reader", "--simulate", "--fault", fault, "--card", "foreign_2023",
                       "--timeout", "5")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["card_type"] == "foreign_2023"


def test_diag_missing_port(tmp_path):
    proc, elapsed = run_main("diag", "id-reader", "--port", str(tmp_path / "nope"), "--timeout", "3")
    assert proc.returncode == 2 and "无法打开" in proc.stderr and "Traceback" not in proc.stderr
    assert elapsed < 3 + 2 + 1.5


def test_diag_printer_prints_a_sample_receipt_to_png(tmp_path):
    out = tmp_path / "receipt.png"
    proc, _ = run_main("diag", "printer", "--simulate", "--sample", "receipt", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "凭条已打印" in proc.stdout and out.stat().st_size > 1000


@pytest.mark.parametrize("paper,words", [("out", "缺纸"), ("cover-open", "机盖")])
def test_diag_printer_reports_paper_problems_in_chinese(paper, words):
    proc, _ = run_main("diag", "printer", "--simulate", "--paper", paper)
    assert proc.returncode == 2 and words in proc.stderr and "Traceback" not in proc.stderr


def test_diag_printer_on_a_port(tmp_path):
    from devices.printer.simulator import PrinterSimulator

    with PrinterSimulator(58, out_dir=tmp_path, link_path=tmp_path / "ttyPRN1") as sim:
        proc, _ = run_main("diag", "printer", "--port", sim.path, "--sample", "receipt", "--width", "58")
        assert sim.wait_for_pages(1)
        assert "证件号：210***********2116" in sim.text_log()
        status, _ = run_main("diag", "printer", "--port", sim.path, "--sample", "status")
    assert proc.returncode == 0 and "凭条已打印" in proc.stdout, proc.stderr
    assert status.returncode == 0 and "打印机正常" in status.stdout
