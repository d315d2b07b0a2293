"""`main.py platform identity-code`: a tester's code, signed by the reference platform's key."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import cv2

from devices.scanner.ensemble import EnsembleDecoder
from sync import identity_code as ic
from sync.platform.service import PlatformService
from sync.signing import unb64

ROOT = Path(__file__).resolve().parents[2]
NUMBER = "11010519491231002X"


def _main(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "platform", "identity-code", *args],
                          capture_output=True, text=True, encoding="utf-8", timeout=60, cwd=ROOT)


def test_the_code_printed_and_drawn_verifies_with_the_platform_key(tmp_path):
    platform = PlatformService(tmp_path / "platform")
    png = tmp_path / "code.png"
    done = _main("--data", str(tmp_path / "platform"), "--id-number", NUMBER, "--name", "王喆",
                 "--minutes", "2", "--png", str(png))
    assert done.returncode == 0, done.stderr
    text = done.stdout.strip()
    code = ic.read(text, unb64(platform.public_key_b64), time.time())
    assert (code.name, code.id_number) == ("王喆", NUMBER)
    assert code.expires_at - code.issued_at == 120
    symbols = EnsembleDecoder().decode(cv2.imread(str(png), cv2.IMREAD_GRAYSCALE))
    assert [s.text for s in symbols] == [text]


def test_a_wrong_number_or_no_platform_is_one_chinese_sentence_and_exit_2(tmp_path):
    PlatformService(tmp_path / "platform")
    wrong = _main("--data", str(tmp_path / "platform"), "--id-number", "110105194912310021", "--name", "王喆")
    assert wrong.returncode == 2 and "校验位" in wrong.stderr and not wrong.stdout
    missing = _main("--data", str(tmp_path / "nowhere"), "--id-number", NUMBER, "--name", "王喆")
    assert missing.returncode == 2 and "签名密钥" in missing.stderr and "Traceback" not in missing.stderr
