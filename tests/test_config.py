"""station.toml: defaults for everything, and one Chinese sentence naming the key for each mistake."""

from __future__ import annotations

import pytest

from kiosk.station.config import ConfigError, defaults, example_toml, load
from tests.plain_chinese import assert_plain_chinese


def write(tmp_path, text: str):
    path = tmp_path / "station.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_cover_every_key():
    config = defaults()
    assert config.get("ui", "warning_s") >= 20
    assert config.get("station", "hotline") == "12345"


def test_example_file_loads_and_equals_the_defaults(tmp_path):
    config = load(write(tmp_path, example_toml()))
    assert config.values == defaults().values


def test_values_from_the_file_override_defaults(tmp_path):
    text = '[station]\nid = "210281-0007"\nname = "瓦房店市驿站"\n[ui]\nidle_timeout_s = 120\n'
    config = load(write(tmp_path, text))
    assert config.get("station", "name") == "瓦房店市驿站"
    assert config.get("ui", "idle_timeout_s") == 120
    assert config.get("ui", "warning_s") == defaults().get("ui", "warning_s")


@pytest.mark.parametrize(("text", "expected"), [
    ("[ui]\nwarning_s = 10\n", ["[ui]", "warning_s", "不能小于 20"]),
    ("[ui]\nidle_timeout_s = \"abc\"\n", ["[ui]", "idle_timeout_s", "整数"]),
    ("[ui]\nvoice = 1\n", ["[ui]", "voice", "true 或 false"]),
    ("[devices]\nreceipt_width_mm = 76\n", ["receipt_width_mm", "58 或 80"]),
    ("[devices]\nprinter = \"x\"\n", ["未知的项 printer", "[devices]"]),
    ("[camera]\nindex = 0\n", ["未知的小节 [camera]"]),
    ("[station]\nid = \"2101-1\"\n", ["[station]", "id", "210102-0001"]),
    ("[station\nid = 1\n", ["格式有误", "第 1 行", "[station"]),
    ("[ui]\nlarge_text = \"yes\n", ["格式有误", "第 2 行"]),
    ("[ui]\nvoice = [true", ["格式有误"]),
    ("[platform]\ntimeout_s = nan\n", ["[platform]", "timeout_s", "有限的数字"]),
    ("[platform]\ntimeout_s = -nan\n", ["timeout_s", "有限的数字"]),
    ("[platform]\ntimeout_s = inf\n", ["timeout_s", "有限的数字"]),
    ("[platform]\ntimeout_s = -1\n", ["timeout_s", "不能小于 1"]),
    ("[station]\nid = \"２１０１０２-０００１\"\n", ["[station]", "id", "210102-0001"]),
])
def test_mistakes_are_named_in_chinese(tmp_path, text, expected):
    with pytest.raises(ConfigError) as caught:
        load(write(tmp_path, text))
    for part in expected:
        assert part in str(caught.value)
    assert_plain_chinese(str(caught.value))  # none of tomllib's English survives


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="找不到配置文件"):
        load(tmp_path / "nope.toml")


def test_not_utf8(tmp_path):
    path = tmp_path / "station.toml"
    path.write_bytes('[station]\nname = "驿站"\n'.encode("gbk"))
    with pytest.raises(ConfigError, match="UTF-8"):
        load(path)
