"""Classification and field extraction on hand-made OCR lines (no model): the rules a clerk
would use, checked one by one, including the traps (a clerk's name before the holder's, the
father's number before the mother's, one misread digit)."""

from __future__ import annotations

import numpy as np

from devices.precheck.ocr import Line
from devices.precheck.understand import classify, extract, fuzzy_contains, has_valid_id, number_cut_at_end


def line(
    text: str, x0: float, y0: float, x1: float | None = None, h: float = 30, score: float = 0.99
) -> Line:
    x1 = x0 + 28 * len(text) if x1 is None else x1
    box = np.array([[x0, y0], [x1, y0], [x1, y0 + h], [x0, y0 + h]], np.float32)
    return Line(box, text, score, [score] * len(text), list(range(len(text))), None)


def test_a_misread_title_still_counts():
    assert fuzzy_contains("常住人口登记长", "常住人口登记卡")
    assert fuzzy_contains("出生医证明", "出生医学证明")  # one character dropped
    assert not fuzzy_contains("出生证", "出生医学证明")


def test_hukou_page_holder_not_clerk_and_number_by_its_label():
    lines = [
        line("常住人口登记卡", 300, 20),
        line("承办人签章", 40, 900),
        line("刘建国", 200, 900),  # the clerk, a distracting name
        line("姓名", 40, 100),
        line("王喆", 200, 100),
        line("户主或与户主关系", 500, 100),
        line("妻", 760, 100),
        line("公民身份证件编号", 40, 500),
        line("210102198803041521", 300, 500),
    ]
    doc_type, confidence, _ = classify(lines)
    assert doc_type == "hukou" and confidence > 0.9
    reading = extract("hukou", lines, None)
    assert reading.fields["name"] == "王喆"
    assert reading.fields["id_number"] == "210102198803041521"
    assert reading.fields["relation"] == "妻"


def test_birth_certificate_mother_number_is_main_even_when_father_comes_first():
    lines = [
        line("出生医学证明", 400, 20),
        line("新生儿姓名", 40, 120),
        line("李沐阳", 200, 120),
        line("父亲姓名", 40, 300),
        line("李强", 170, 300),
        line("母亲姓名", 600, 300),
        line("张丽", 730, 300),
        line("210102198001011232", 40, 420),
        line("210102198502021543", 600, 420),
    ]
    assert classify(lines)[0] == "birth_cert"
    reading = extract("birth_cert", lines, None)
    assert reading.fields["name"] == "李沐阳"
    assert reading.fields["mother_name"] == "张丽" and reading.fields["father_name"] == "李强"
    assert reading.fields["id_number"] == "210102198502021543"  # the mother's (even 17th digit)
    assert reading.fields["father_id_number"] == "210102198001011232"


def test_id_card_back_and_business_license_by_their_marks():
    back = [
        line("中华人民共和国", 200, 20),
        line("居民身份证", 220, 80),
        line("签发机关", 40, 300),
        line("沈阳市公安局和平分局", 180, 300),
        line("有效期限", 40, 360),
        line("2015.03.12-2035.03.12", 180, 360),
    ]
    doc_type, _, _ = classify(back)
    assert doc_type == "id_card_back"
    fields = extract(doc_type, back, None).fields
    assert fields["valid_until"] == "2035.03.12" and fields["name"] is None and fields["id_number"] is None
    lic = [
        line("营业执照", 300, 20),
        line("统一社会信用代码", 40, 120),
        line("92210102MA0P5N1Y8M", 40, 170),
        line("经营者", 40, 300),
        line("赵翀", 200, 300),
        line("类型", 40, 360),
        line("个体工商户", 200, 360),
    ]
    doc_type, _, _ = classify(lic)
    assert doc_type == "business_license"
    fields = extract(doc_type, lic, None).fields
    assert fields["name"] == "赵翀" and fields["id_number"] is None


def test_a_receipt_or_nothing_is_other():
    receipt = [
        line("福佳超市", 100, 20),
        line("购物小票", 100, 70),
        line("合计：56.50", 40, 400),
        line("谢谢惠顾，欢迎再次光临", 40, 450),
    ]
    assert classify(receipt)[0] == "other"
    assert classify([])[0] == "other"


def test_a_number_with_a_wrong_check_digit_is_not_an_id_number():
    lines = [
        line("公民身份号码", 40, 300),
        line("210102198803041522", 200, 300),
        line("姓名", 40, 40),
        line("王喆", 120, 40),
        line("性别", 40, 100),
        line("住址", 40, 200),
    ]
    reading = extract("id_card_front", lines, None)
    assert reading.fields["id_number"] is None  # no probabilities to repair it with: left unread
    assert reading.fields["name"] == "王喆"


def test_a_number_cut_at_the_end_of_its_line_is_worth_another_read():
    # real lines from the benchmark set: the detector's box ended inside the last digit
    assert number_cut_at_end("身份证件号 21140419691229186")  # 17 digits: one dropped
    assert number_cut_at_end("21140419691229186")
    assert number_cut_at_end("残疾人证号 2114041969122918621")  # a 20-digit number one short
    assert number_cut_at_end("211404196912291863")  # 18 digits, wrong check character
    assert not number_cut_at_end("身份证件号 211404196912291862")  # whole and valid
    assert not number_cut_at_end("21140419691229186244")  # a whole 残疾人证号
    assert not number_cut_at_end("出生日期1969年12月29日")
    assert not number_cut_at_end("编号S216436479")  # a certificate number, not an ID number
    assert not number_cut_at_end("211404196912291862 住址")  # the number is not at the end
    assert has_valid_id("身份证件号 211404196912291862")
    assert not has_valid_id("身份证件号 21140419691229186")
