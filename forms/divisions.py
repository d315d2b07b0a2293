"""Administrative divisions (GB/T 2260): every province-level prefix, and Liaoning in full.

Why only Liaoning below province level: the kiosk serves Liaoning's stations; residents of other
provinces give their province and type the rest. Codes follow the current GB/T 2260 publication
(沈阳 辽中区 210115, 大连 普兰店区 210214, 盘锦 大洼区 211104 …). ID numbers keep the code of the
place and year of first registration, so historical codes stay valid on cards: ID validation checks
only the province prefix, never this county table.
"""

from __future__ import annotations

from dataclasses import dataclass

PROVINCES: dict[str, str] = {
    "110000": "北京市", "120000": "天津市", "130000": "河北省", "140000": "山西省",
    "150000": "内蒙古自治区", "210000": "辽宁省", "220000": "吉林省", "230000": "黑龙江省",
    "310000": "上海市", "320000": "江苏省", "330000": "浙江省", "340000": "安徽省",
    "350000": "福建省", "360000": "江西省", "370000": "山东省", "410000": "河南省",
    "420000": "湖北省", "430000": "湖南省", "440000": "广东省", "450000": "广西壮族自治区",
    "460000": "海南省", "500000": "重庆市", "510000": "四川省", "520000": "贵州省",
    "530000": "云南省", "540000": "西藏自治区", "610000": "陕西省", "620000": "甘肃省",
    "630000": "青海省", "640000": "宁夏回族自治区", "650000": "新疆维吾尔自治区",
    "710000": "台湾省", "810000": "香港特别行政区", "820000": "澳门特别行政区",
}

LIAONING = "210000"

LIAONING_CITIES: dict[str, str] = {
    "210100": "沈阳市", "210200": "大连市", "210300": "鞍山市", "210400": "抚顺市",
    "210500": "本溪市", "210600": "丹东市", "210700": "锦州市", "210800": "营口市",
    "210900": "阜新市", "211000": "辽阳市", "211100": "盘锦市", "211200": "铁岭市",
    "211300": "朝阳市", "211400": "葫芦岛市",
}

LIAONING_COUNTIES: dict[str, dict[str, str]] = {
    "210100": {"210102": "和平区", "210103": "沈河区", "210104": "大东区", "210105": "皇姑区",
               "210106": "铁西区", "210111": "苏家屯区", "210112": "浑南区", "210113": "沈北新区",
               "210114": "于洪区", "210115": "辽中区", "210123": "康平县", "210124": "法库县",
               "210181": "新民市"},
    "210200": {"210202": "中山区", "210203": "西岗区", "210204": "沙河口区", "210211": "甘井子区",
               "210212": "旅顺口区", "210213": "金州区", "210214": "普兰店区", "210224": "长海县",
               "210281": "瓦房店市", "210283": "庄河市"},
    "210300": {"210302": "铁东区", "210303": "铁西区", "210304": "立山区", "210311": "千山区",
               "210321": "台安县", "210323": "岫岩满族自治县", "210381": "海城市"},
    "210400": {"210402": "新抚区", "210403": "东洲区", "210404": "望花区", "210411": "顺城区",
               "210421": "抚顺县", "210422": "新宾满族自治县", "210423": "清原满族自治县"},
    "210500": {"210502": "平山区", "210503": "溪湖区", "210504": "明山区", "210505": "南芬区",
               "210521": "本溪满族自治县", "210522": "桓仁满族自治县"},
    "210600": {"210602": "元宝区", "210603": "振兴区", "210604": "振安区", "210624": "宽甸满族自治县",
               "210681": "东港市", "210682": "凤城市"},
    "210700": {"210702": "古塔区", "210703": "凌河区", "210711": "太和区", "210726": "黑山县",
               "210727": "义县", "210781": "凌海市", "210782": "北镇市"},
    "210800": {"210802": "站前区", "210803": "西市区", "210804": "鲅鱼圈区", "210811": "老边区",
               "210881": "盖州市", "210882": "大石桥市"},
    "210900": {"210902": "海州区", "210903": "新邱区", "210904": "太平区", "210905": "清河门区",
               "210911": "细河区", "210921": "阜新蒙古族自治县", "210922": "彰武县"},
    "211000": {"211002": "白塔区", "211003": "文圣区", "211004": "宏伟区", "211005": "弓长岭区",
               "211011": "太子河区", "211021": "辽阳县", "211081": "灯塔市"},
    "211100": {"211102": "双台子区", "211103": "兴隆台区", "211104": "大洼区", "211122": "盘山县"},
    "211200": {"211202": "银州区", "211204": "清河区", "211221": "铁岭县", "211223": "西丰县",
               "211224": "昌图县", "211281": "调兵山市", "211282": "开原市"},
    "211300": {"211302": "双塔区", "211303": "龙城区", "211321": "朝阳县", "211322": "建平县",
               "211324": "喀喇沁左翼蒙古族自治县", "211381": "北票市", "211382": "凌源市"},
    "211400": {"211402": "连山区", "211403": "龙港区", "211404": "南票区", "211421": "绥中县",
               "211422": "建昌县", "211481": "兴城市"},
}


@dataclass(frozen=True)
class Division:
    code: str
    name: str


def provinces() -> list[Division]:
    """Province-level divisions in code order (first step of the address cascade)."""
    return [Division(code, name) for code, name in PROVINCES.items()]


def cities(province_code: str) -> list[Division]:
    """Cities of a province; only Liaoning has a list (others: free text)."""
    if province_code != LIAONING:
        return []
    return [Division(code, name) for code, name in LIAONING_CITIES.items()]


def counties(city_code: str) -> list[Division]:
    """Counties/districts of a Liaoning city (third step of the cascade)."""
    return [Division(code, name) for code, name in LIAONING_COUNTIES.get(city_code, {}).items()]


def name_of(code: str) -> str | None:
    """The name of a province, Liaoning city or Liaoning county code; None when unknown."""
    if code in PROVINCES:
        return PROVINCES[code]
    if code in LIAONING_CITIES:
        return LIAONING_CITIES[code]
    return LIAONING_COUNTIES.get(code[:4] + "00", {}).get(code)


def full_name(code: str) -> str | None:
    """'辽宁省沈阳市和平区' for a county code; None when unknown."""
    county = LIAONING_COUNTIES.get(code[:4] + "00", {}).get(code)
    if county:
        return PROVINCES[LIAONING] + LIAONING_CITIES[code[:4] + "00"] + county
    if code in LIAONING_CITIES:
        return PROVINCES[LIAONING] + LIAONING_CITIES[code]
    return PROVINCES.get(code)


def parse_address_text(text: str) -> dict[str, str]:
    """Split an ID card address into cascade codes and the rest, for prefill the resident confirms.

    '辽宁省沈阳市和平区南京北街1号' → {"province": "210000", "city": "210100", "county": "210102",
    "detail": "南京北街1号"}. Outside Liaoning only the province is recognised.
    """
    rest = text.strip()
    result: dict[str, str] = {}
    for code, name in PROVINCES.items():
        short = name.rstrip("省市").replace("自治区", "").replace("特别行政区", "")
        for candidate in (name, short):
            if candidate and rest.startswith(candidate):
                result["province"] = code
                rest = rest[len(candidate):]
                break
        if "province" in result:
            break
    if result.get("province", LIAONING) == LIAONING:
        for code, name in LIAONING_CITIES.items():
            if rest.startswith(name) or rest.startswith(name[:-1]):
                result["province"] = LIAONING
                result["city"] = code
                rest = rest[len(name) if rest.startswith(name) else len(name) - 1:]
                for county_code, county in LIAONING_COUNTIES[code].items():
                    if rest.startswith(county):
                        result["county"] = county_code
                        rest = rest[len(county):]
                        break
                break
    if rest:
        result["detail"] = rest
    return result
