"""Made-up residents for synthetic documents: names (with the rare characters real names have),
valid ID numbers, addresses, dates.

Why a module of its own: the synthetic papers, the benchmark and the tests all need people whose
ID numbers pass the GB 11643 check and whose names look like the names that reach a Liaoning
station, including the characters an OCR dictionary lacks (翀 瑀 赟 弢) or confuses (彧/或, 婕/捷).
No real person's data is used; every number is generated from a seeded random generator.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np

from forms.divisions import LIAONING_CITIES, LIAONING_COUNTIES
from forms.validators import id_check_digit

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁"
    "魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤"
    "尹易常武乔贺赖龚文关佟付宫鲍"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方")
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志文斌宇浩凯健俊帆旭宁"
    "龙林欣婷雪琳晨阳佳怡梓涵子轩博睿思雨嘉诗一可馨泽然宏海波峰春梅凤丹玲莉晶颖慧倩鑫淑珍荣"
    "晓东亮飞成云岩家立福生光瑞德金永新彬庆利君雅蕾薇冬松柏义忠孝良爽悦铭航锐"
)
# Characters that real given names use and an OCR dictionary tends to lack or misread. Some are in
# the PP-OCRv4 dictionary but look like a commoner character (彧/或, 婕/捷, 玥/明); others are not in
# it at all (翀 瑀 赟 弢 琇 …), so a recogniser can never return them.
RARE_GIVEN = (
    "彧婕喆堃昇玥珺瑄璟祎淼犇垚焱昊晟钰珩翊骞韬晞暄煦熠懿嫣妤姝媛翀瑀赟弢琇玙琤璠沄湉昳旸炅烜燊堉峣骕珝"
)
ETHNIC = ("汉",) * 14 + ("满", "满", "蒙古", "回", "朝鲜", "锡伯")
STREETS = (
    "中山路",
    "人民街",
    "和平里",
    "解放路",
    "新华街",
    "北京街",
    "胜利路",
    "建设大路",
    "长江街",
    "青年大街",
    "文化路",
    "光明里",
    "团结街",
    "兴隆街",
    "繁荣路",
)
TOWNS = ("新民", "大孤家子", "兴隆", "红旗", "前进", "太平", "永安", "三合", "东风", "双台")


@dataclass(frozen=True)
class Person:
    """One made-up resident. `id_number` is a valid 18-character GB 11643 number."""

    name: str
    sex: str  # "男" or "女"
    birth: date
    id_number: str
    ethnicity: str
    address: str
    birthplace: str


def _county(rng: np.random.Generator) -> tuple[str, str, str]:
    city_code = str(rng.choice(list(LIAONING_CITIES)))
    counties = LIAONING_COUNTIES.get(city_code) or {city_code[:4] + "02": "市辖区"}
    county_code = str(rng.choice(list(counties)))
    return county_code, LIAONING_CITIES[city_code], counties[county_code]


def make_id_number(rng: np.random.Generator, county_code: str, birth: date, sex: str) -> str:
    """A valid ID number: county code, birth date, a sequence whose parity gives the sex, check."""
    seq = int(rng.integers(0, 500)) * 2 + (1 if sex == "男" else 0)
    first17 = f"{county_code}{birth:%Y%m%d}{seq:03d}"
    return first17 + id_check_digit(first17)


def make_name(rng: np.random.Generator, *, rare: float = 0.15, surname: str | None = None) -> str:
    """A name of 2–4 characters; with probability `rare` one given character is a rare one."""
    if surname is None:
        surname = (
            str(rng.choice(COMPOUND_SURNAMES)) if rng.random() < 0.03 else str(rng.choice(list(SURNAMES)))
        )
    length = 1 if rng.random() < 0.3 else 2
    given = [str(rng.choice(list(GIVEN))) for _ in range(length)]
    if rng.random() < rare:
        given[int(rng.integers(0, length))] = str(rng.choice(list(RARE_GIVEN)))
    return surname + "".join(given)


def make_address(rng: np.random.Generator, city: str, county: str) -> str:
    if rng.random() < 0.5:
        return (
            f"辽宁省{city}{county}{rng.choice(STREETS)}{int(rng.integers(1, 300))}号"
            f"{int(rng.integers(1, 12))}-{int(rng.integers(1, 7))}-{int(rng.integers(1, 4))}"
        )
    return f"辽宁省{city}{county}{rng.choice(TOWNS)}镇{rng.choice(TOWNS)}村{int(rng.integers(1, 9))}组"


def make_person(
    rng: np.random.Generator,
    *,
    sex: str | None = None,
    born_from: date = date(1940, 1, 1),
    born_to: date = date(2005, 12, 31),
    rare: float = 0.15,
    surname: str | None = None,
) -> Person:
    """A made-up resident of Liaoning with a valid ID number."""
    sex = sex or ("男" if rng.random() < 0.5 else "女")
    birth = born_from + timedelta(days=int(rng.integers(0, max(1, (born_to - born_from).days))))
    county_code, city, county = _county(rng)
    return Person(
        name=make_name(rng, rare=rare, surname=surname),
        sex=sex,
        birth=birth,
        id_number=make_id_number(rng, county_code, birth, sex),
        ethnicity=str(rng.choice(ETHNIC)),
        address=make_address(rng, city, county),
        birthplace=f"辽宁省{city}{county}" if rng.random() < 0.8 else f"辽宁省{city}",
    )


def other_person_like(rng: np.random.Generator, person: Person) -> Person:
    """Someone else of the same sex and a similar age: what a wrong paper usually belongs to."""
    other = make_person(
        rng,
        sex=person.sex,
        born_from=person.birth - timedelta(days=3000),
        born_to=person.birth + timedelta(days=3000),
    )
    return other if other.name != person.name else replace(other, name=other.name + "娟")
