"""The command line end to end: a real platform process, real kiosk processes side by side."""

from __future__ import annotations

import json
import os
import subprocess
import time

import pytest

from tests.sync.helpers import PYTHON, REPO, jsonl

ENV = {**os.environ, "PYTHONPATH": str(REPO)}


def main(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [PYTHON, str(REPO / "main.py"), *args], capture_output=True, text=True, env=ENV, cwd=REPO, timeout=120
    )
    if check:
        assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result


@pytest.fixture
def platform_process(tmp_path):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = tmp_path / "platform"
    proc = subprocess.Popen(
        [
            PYTHON,
            str(REPO / "main.py"),
            "platform",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--data",
            str(data),
            "--demo-advance",
            "0.5",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
        cwd=REPO,
    )
    line = proc.stdout.readline()
    assert "参考平台已启动" in line, proc.stderr.read()
    yield f"http://127.0.0.1:{port}/api/v1", data
    proc.terminate()
    proc.wait(10)


def kiosk(tmp_path, name):
    return ["--data-dir", str(tmp_path / f"{name}-data"), "--key-dir", str(tmp_path / f"{name}-keys")]


@pytest.mark.slow
def test_two_kiosks_deliver_export_import_and_follow_status(tmp_path, platform_process):
    url, pdata = platform_process
    from forms.examples import example

    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(example("newborn", 0), ensure_ascii=False), encoding="utf-8")
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"\xff\xd8 photo " * 1000)
    refs = {}
    for name, station in (("a", "210102-0001"), ("b", "210102-0002")):
        code = main("platform", "enroll-code", "--data", str(pdata)).stdout.strip()
        out = main(
            "enroll", "--platform-url", url, "--station-id", station, "--code", code, *kiosk(tmp_path, name)
        )
        assert "注册成功" in out.stdout
        refs[name] = main(
            "queue",
            "add",
            "--bundle",
            "newborn",
            "--answers",
            str(answers),
            "--attach",
            f"baby_photo={photo}",
            *kiosk(tmp_path, name),
        ).stdout.strip()
    # both kiosks hand out the same first reference: unique per station, told apart by station
    listed = jsonl(main("queue", "list", "--json", *kiosk(tmp_path, "a")).stdout)
    assert listed[0]["state"] == "queued" and listed[0]["applicant_name"] == "李*"
    assert "李明" not in json.dumps(listed, ensure_ascii=False) and "21010219900101231X" not in str(listed)

    # kiosk b is offline for days: its queue goes to the county on a USB stick, imported twice
    usb = tmp_path / "usb"
    assert "已导出 1 件申请" in main("queue", "export", "--to", str(usb), *kiosk(tmp_path, "b")).stdout
    assert not any(b"\xe6\x9d\x8e\xe6\x98\x8e" in p.read_bytes() for p in usb.iterdir())  # 李明 not in clear
    assert "新申请 1 件" in main("platform", "import", str(usb), "--data", str(pdata)).stdout
    assert "重复（已收到过）1 件" in main("platform", "import", str(usb), "--data", str(pdata)).stdout

    for name in ("a", "b"):
        out = main("sync", "--once", *kiosk(tmp_path, name))
        assert "待发 0 件" in out.stdout
    subs = jsonl(main("platform", "submissions", "--data", str(pdata)).stdout)
    assert sorted(subs[0]) == [
        "bundle_id",
        "local_reference",
        "platform_reference",
        "received_at",
        "submission_id",
        "times_received",
    ]
    assert len(subs) == 2 and {s["local_reference"] for s in subs} == {refs["a"], refs["b"]}
    assert sorted(s["times_received"] for s in subs) == [1, 3]  # b: import, import again, online replay

    # the demo timer moves applications on; the kiosk pulls statuses and a signed certificate
    for _ in range(40):
        time.sleep(0.3)
        main("sync", "--once", *kiosk(tmp_path, "a"))
        row = jsonl(main("queue", "list", "--json", *kiosk(tmp_path, "a")).stdout)[0]
        if row["state"] == "completed":
            break
    assert row["state"] == "completed" and row["platform_reference"]


def test_command_errors_are_chinese_with_exit_codes(tmp_path):
    k = kiosk(tmp_path, "x")
    r = main("sync", "--once", *k, check=False)
    assert r.returncode == 2 and "尚未注册" in r.stderr
    r = main(
        "enroll",
        "--platform-url",
        "http://127.0.0.1:9/api/v1",
        "--station-id",
        "210102-0001",
        "--code",
        "X",
        *k,
        check=False,
    )
    assert r.returncode == 2 and "无法连接平台" in r.stderr
    r = main(
        "enroll",
        "--platform-url",
        "http://127.0.0.1:9/api/v1",
        "--station-id",
        "2101-1",
        "--code",
        "X",
        *k,
        check=False,
    )
    assert r.returncode == 2 and "格式不对" in r.stderr
    r = main("queue", "retry", "P47Y-NMJC", *k, check=False)
    assert r.returncode == 1 and "找不到" in r.stderr
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    r = main("queue", "add", "--bundle", "newborn", "--answers", str(bad), *k, check=False)
    assert r.returncode == 2 and "JSON" in r.stderr
    bad.write_text(json.dumps({"answers": {"baby_name": ""}}), encoding="utf-8")
    r = main("queue", "add", "--bundle", "newborn", "--answers", str(bad), *k, check=False)
    assert r.returncode == 4 and "未通过校验" in r.stderr
    assert "队列为空" in main("queue", "list", *k).stdout


def test_sync_offline_exits_3_and_keeps_the_row(tmp_path, platform_process):
    url, pdata = platform_process
    k = kiosk(tmp_path, "c")
    code = main("platform", "enroll-code", "--data", str(pdata)).stdout.strip()
    main("enroll", "--platform-url", url, "--station-id", "210102-0003", "--code", code, *k)
    from forms.examples import example

    answers = tmp_path / "answers.json"
    doc = example("newborn", 1)
    answers.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    attach = [
        f"--attach={m}={tmp_path / 'p.jpg'}"
        for m, v in doc["materials"].items()
        if isinstance(v, dict) and v.get("status") == "provided"
    ]
    (tmp_path / "p.jpg").write_bytes(b"photo")
    ref = main("queue", "add", "--bundle", "newborn", "--answers", str(answers), *attach, *k).stdout.strip()
    r = main("sync", "--once", "--platform-url", "http://127.0.0.1:9/api/v1", *k, check=False)
    assert r.returncode == 3 and "安全保存在本机" in r.stderr
    row = jsonl(main("queue", "list", "--json", *k).stdout)[0]
    assert row["local_reference"] == ref and row["state"] == "queued" and row["last_error"]


def test_sync_forever_delivers_what_is_added_later(tmp_path, platform_process):
    import signal

    url, pdata = platform_process
    k = kiosk(tmp_path, "f")
    code = main("platform", "enroll-code", "--data", str(pdata)).stdout.strip()
    main("enroll", "--platform-url", url, "--station-id", "210102-0004", "--code", code, *k)
    forever = subprocess.Popen(
        [PYTHON, str(REPO / "main.py"), "sync", "--forever", "--poll", "0.2", *k],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
        cwd=REPO,
    )
    try:
        from forms.examples import example

        answers = tmp_path / "answers.json"
        answers.write_text(json.dumps(example("newborn", 2), ensure_ascii=False), encoding="utf-8")
        from PIL import Image

        signature = tmp_path / "signature.png"  # variant 2 promises a paper: 告知承诺 needs a signature
        Image.new("1", (240, 80), 1).save(signature)
        ref = main("queue", "add", "--bundle", "newborn", "--answers", str(answers), "--signature",
                   str(signature), *k).stdout.strip()
        for _ in range(300):
            subs = jsonl(main("platform", "submissions", "--data", str(pdata)).stdout)
            if any(s["local_reference"] == ref for s in subs):
                break
            time.sleep(0.1)
        assert [s["local_reference"] for s in subs if s["local_reference"] == ref] == [ref]
    finally:
        forever.send_signal(signal.SIGINT)
        _, err = forever.communicate(timeout=30)
    assert forever.returncode == 0 and "Traceback" not in err
