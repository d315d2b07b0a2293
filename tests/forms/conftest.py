"""Shared fixtures: the shipped catalogue (loaded once) and a small bundle using every field type."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from forms import Catalogue, load_catalogue

TODAY = date(2026, 11, 27)  # a Friday: working-day arithmetic crosses a weekend

# A bundle written for the tests: every field type, every kind of condition, both 容缺 and 告知承诺.
MINI = {
    "id": "mini",
    "version": "1",
    "name": "测试一件事",
    "icon": "test",
    "description": "覆盖每种字段类型的测试用一件事。",
    "codes_illustrative": True,
    "applicant": {"name": "who", "id_number": "who_id", "phone": "mobile"},
    "items": [
        {
            "code": "000000001000",
            "name": "基础事项",
            "department": "测试部门",
            "legal_days": 10,
            "promised_days": 3,
            "kind": "promised",
            "fee": "不收费",
            "allows_deferral": True,
            "allows_commitment": True,
        },
        {
            "code": "000000002000",
            "name": "可选事项",
            "department": "测试部门",
            "legal_days": 5,
            "promised_days": 0,
            "kind": "immediate",
            "fee": "不收费",
            "allows_deferral": False,
            "allows_commitment": False,
            "applies_if": "want_extra == true",
        },
    ],
    "form": {
        "version": "1f",
        "computed": [{"id": "who_age", "label": "年龄", "expr": "age(who_id)"}],
        "checks": [
            {"field": "end_date", "rule": "end_date >= start_date", "message": "结束日期不能早于开始日期。"}
        ],
        "pages": [
            {
                "id": "p1",
                "title": "基本",
                "fields": [
                    {"id": "who", "type": "name", "label": "姓名", "prefill": "id_card.name"},
                    {
                        "id": "who_id",
                        "type": "id_number",
                        "label": "身份证号码",
                        "prefill": "id_card.id_number",
                    },
                    {"id": "mobile", "type": "phone", "label": "电话"},
                    {"id": "note", "type": "text", "label": "备注", "required": False, "max_length": 5},
                ],
            },
            {
                "id": "p2",
                "title": "数字",
                "fields": [
                    {"id": "count", "type": "number", "label": "人数", "integer": True, "min": 0, "max": 9},
                    {"id": "amount", "type": "money", "label": "金额", "max": 1000},
                    {"id": "start_date", "type": "date", "label": "开始", "min": "today-1y", "max": "today"},
                    {"id": "end_date", "type": "date", "label": "结束", "required": False},
                ],
            },
            {
                "id": "p3",
                "title": "选择",
                "fields": [
                    {
                        "id": "colour",
                        "type": "choice",
                        "label": "颜色",
                        "options": [{"value": "red", "label": "红"}, {"value": "blue", "label": "蓝"}],
                    },
                    {
                        "id": "tags",
                        "type": "multi_choice",
                        "label": "标签",
                        "min_selected": 1,
                        "options": [
                            {"value": "a", "label": "甲"},
                            {"value": "b", "label": "乙"},
                            {"value": "c", "label": "丙"},
                        ],
                    },
                    {"id": "want_extra", "type": "yes_no", "label": "是否办可选事项"},
                    {"id": "extra_reason", "type": "text", "label": "理由", "for_items": ["000000002000"]},
                    {
                        "id": "blue_only",
                        "type": "text",
                        "label": "蓝色说明",
                        "visible_if": 'colour == "blue"',
                    },
                    {
                        "id": "old_only",
                        "type": "text",
                        "label": "老人说明",
                        "required_if": "who_age >= 60",
                        "required": False,
                    },
                ],
            },
            {
                "id": "p4",
                "title": "其他",
                "visible_if": '"c" in tags',
                "fields": [
                    {"id": "home", "type": "address", "label": "住址", "prefill": "id_card.address"},
                    {"id": "card", "type": "bank_account", "label": "银行卡"},
                    {"id": "rel", "type": "relation", "label": "关系"},
                    {
                        "id": "photo",
                        "type": "scan",
                        "label": "照片",
                        "material": "photo_mat",
                        "required": False,
                    },
                    {"id": "sign", "type": "signature", "label": "签名"},
                    {"id": "agree", "type": "consent", "label": "同意", "text": "我同意以上内容。"},
                    {"id": "same_home", "type": "address", "label": "通信地址", "prefill": "answer.home"},
                ],
            },
        ],
    },
    "materials": [
        {
            "id": "idcard",
            "name": "身份证",
            "items": ["000000001000", "000000002000"],
            "form": "original",
            "count": 1,
            "e_certificate": "居民身份证电子证照",
        },
        {
            "id": "proof",
            "name": "证明",
            "items": ["000000001000"],
            "form": "original",
            "count": 1,
            "deferral": {"days": 5},
            "commitment": {"text": "本人承诺证明内容属实。"},
        },
        {"id": "extra_paper", "name": "可选事项材料", "items": ["000000002000"], "form": "copy", "count": 1},
        {
            "id": "made",
            "name": "基础事项结果",
            "items": ["000000002000"],
            "form": "electronic",
            "count": 1,
            "produced_by": "000000001000",
        },
        {
            "id": "photo_mat",
            "name": "照片材料",
            "items": ["000000001000"],
            "form": "electronic",
            "count": 1,
            "required_if": '"c" in tags',
        },
    ],
}

ADULT_ID = "11010519491231002X"  # the GB 11643 example number (born 1949: 76 on TODAY)
YOUNG_ID = "21010219900101231X"
HASH_A = "a" * 64
HASH_B = "b" * 64


def mini_doc() -> dict:
    return copy.deepcopy(MINI)


@pytest.fixture(scope="session")
def shipped() -> Catalogue:
    return load_catalogue()


@pytest.fixture
def mini() -> Catalogue:
    return Catalogue.from_document({"version": "t1", "bundles": [mini_doc()]})


def good_answers() -> dict:
    return {
        "mobile": "13800240000",
        "count": 2,
        "amount": "12.5",
        "start_date": "2026-06-01",
        "colour": "red",
        "tags": ["a"],
        "want_extra": False,
        "old_only": "说明",
    }
