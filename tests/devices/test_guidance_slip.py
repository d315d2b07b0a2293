"""办理指引: the slip a resident takes home when this station can take nothing of their matter —
printed through the receipt printer's own driver onto the ESC/POS simulator over a pty, in the
receipt's layout, with the name and ID number masked as receipts mask them."""

from __future__ import annotations

import datetime as dt

from devices.printer.receipt import Guidance, GuidanceItem, guidance_bytes
from devices.printer.receipt_printer import Printed
from devices.printer.simulator import start_simulated_printer
from tests.devices.conftest import needs_cjk_font

ID_NUMBER = "110101195001011239"
SLIP = Guidance(station_name="南湖街道政务服务驿站", printed_at=dt.datetime(2026, 12, 7, 9, 30),
                bundle_name="老年人优待证办理", applicant_name="张三", applicant_id_number=ID_NUMBER,
                items=(GuidanceItem("老年人优待证办理", "北京市民政部门（老龄工作机构）"),
                       GuidanceItem("老年人公交乘车优惠卡办理", "北京市交通运输部门（公交运营单位）")),
                bring=("本人居民身份证", "老人近期免冠彩色照片（1 寸）"), hotline="12345")


def test_the_slip_never_carries_the_full_id_number_or_name():
    data = guidance_bytes(SLIP)
    assert ID_NUMBER.encode() not in data and "张三".encode("gb18030") not in data
    assert b"110***********1239" in data
    assert "张*".encode("gb18030") in data
    assert "Guidance(" in repr(SLIP) and ID_NUMBER not in repr(SLIP)


@needs_cjk_font
def test_the_slip_prints_on_the_receipt_printer_saying_where_to_go(tmp_path):
    sim, printer = start_simulated_printer(80, out_dir=tmp_path)
    try:
        result = printer.print_guidance(SLIP)
        assert isinstance(result, Printed), result
        assert sim.wait_for_pages(1, timeout=30)
        text = "".join(line.strip() for line in sim.text_log())      # wrapped lines joined
    finally:
        printer.close()
        sim.stop()
    for words in ("办理指引", "这不是受理凭条", "请到：北京市民政部门（老龄工作机构）",
                  "请到：北京市交通运输部门（公交运营单位）", "请带上：", "老人近期免冠彩色照片", "12345"):
        assert words in text, words
    assert ID_NUMBER not in text and "1239" in text
    assert sim.png_paths and sim.png_paths[-1].exists()
    (tmp_path / "last.txt").write_text(str(sim.png_paths[-1]))
