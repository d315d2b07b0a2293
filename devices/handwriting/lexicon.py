"""What a field expects: surnames, characters of given names (rare ones included), characters of
addresses. Our own lists, written for this kiosk (not copied from a data set).

Why ordered strings: the order is the ranking. Surnames follow their rough frequency in mainland
China (王 李 张 刘 陈 … first); given-name characters put the most used first; RARE_NAME holds the
characters residents report missing from pinyin keyboards and GB2312 recognisers (喆 堃 昇 垚 淼 …),
which must always be reachable — by handwriting, components (吉吉 → 喆) or pinyin.
"""

from __future__ import annotations

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
    "万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘"
    "祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟"
    "艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞"
    "姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕"
    "楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣"
    "晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉"
    "银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
)

GIVEN_NAME = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰华玉萍红燕鹏辉建国文斌宇浩凯健俊帆帅旭宁龙"
    "林欣佳怡婷雪慧晶颖琳丹玲倩蕾薇璐瑶琪晨阳博昊轩然梓涵子睿泽宸铭皓嘉诚豪瑞航一诺依可馨悦雨萱"
    "思彤紫梦婉淑芬珍凤美翠荣春梅云莲琴素珠金银宝福寿喜德志忠孝仁义礼智信海山江河波峰岩石松柏树"
    "森东南西北中天新家庆祥安康永长成立兴旺发财富贵光亮星月日晓晗曦昕昱晟晖晔炜烨焱鑫淼垚璇瑾瑜"
    "琦琰玮珏瑛琛璞珂钰锦铮楠桐柯榕彬杉栋梁楷岚崇峻嵘巍屹岳泓洵浚淳澄沛渊溪潇澜泉润汐沐沁洁清源"
    "滨瀚弘宏鸿毅恒晋铄翔羽翊飞鸣麟骏驰腾跃卓越凡逸宙辰朝煦熙照炎烁炳焕灿煜霖霏露霜雯雅婧娴婕妍"
    "媛嫣娇姝妮婵姗娅蓉芸芷茜莉菲萌蕊茹蔚苒若菁艺芃苗晴伶俐佩仪优佑佐伦傲伯仲叔季小大少东振秋冬"
    "伊爱心亚莹露洁菊香桃花叶青荷"
)

RARE_NAME = (
    "喆堃昇垚淼翀瑀赟弢彧婕犇鑫焱旻珺玥璟燊琤晞昀昶暄旸炘焓烜煊熠燚淏溦湉滢澍玙玟珈珣琨琬瑄瑗璠"
    "璨琇瑢钖铖锘镕芃苡茗萁蓁莘蘅棽楦桉栩槿梵棠翾翃骞骁骅麒鎏锟锴铠颉頔颢暐曌曈嬛婳嫚娉妘媞姮娓"
    "姣歆灏祎祺禛祉琮珩珵瑭瓒甯劼勖赜峣崟嶙皞偲僖冕凇劭勰喾岿昉晁焜琪璘瑷珅"
)

ADDRESS = (
    "省市县区乡镇村街道路号楼单元室组屯社巷弄里胡同小新东西南北中大辽宁沈阳连鞍山抚顺本溪丹锦州营"
    "口阜铁岭朝葫芦岛和平河皇姑浑于洪旗盟自治庄堡沟台子站场厂园花苑府城门桥一二三四五六七八九十百"
    "甲乙丙院栋层户委会民族开发工业镇街办事处"
)


def _unique(text: str) -> str:
    seen: dict[str, None] = {}
    for char in text:
        seen.setdefault(char, None)
    return "".join(seen)


SURNAME_ORDER = _unique(SURNAMES)
NAME_ORDER = _unique(GIVEN_NAME + RARE_NAME)
RARE_ORDER = _unique(RARE_NAME)
ADDRESS_ORDER = _unique(ADDRESS)
NAME_CHARACTERS = _unique(SURNAME_ORDER + NAME_ORDER)

# Surnames read otherwise than the character's usual reading (单 is shan as a surname, 曾 zeng …).
# A surname is offered for its usual reading and for these; not for archaic ones (位 li, 冼 sheng).
SURNAME_READINGS = {
    "单": "shan", "解": "xie", "区": "ou", "仇": "qiu", "朴": "piao", "查": "zha", "曾": "zeng",
    "缪": "miao", "盖": "ge", "尉": "yu", "覃": "qin", "召": "shao", "繁": "po", "乐": "yue",
    "员": "yun", "长": "zhang", "万": "mo", "种": "chong", "折": "she", "翟": "zhai", "秘": "bi",
}
