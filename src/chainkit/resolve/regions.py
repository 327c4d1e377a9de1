"""Chinese region names used to strip region prefixes from firm names.

Written out by hand (provinces, prefecture-level divisions and a few county-level
cities that often head firm names), not read from the statistical division files: the
engine must work with no reference data loaded. Names are given without their
administrative suffix (省/市/自治区 …); `normalize.py` accepts the suffix optionally.

Each province also carries the one-character abbreviations used in stock short names
(粤电力A = 广东电力发展, 渝农商行 = 重庆农村商业银行), so a query that starts with such a
character can be checked against the province a firm's full name implies.
"""

from __future__ import annotations

__all__ = ["PROVINCES", "CITY_PROVINCE", "REGION_NAMES", "ABBREVIATIONS", "ADMIN_SUFFIXES"]

# province → (one-character abbreviations, prefecture-level divisions and notable
# county-level cities, space-separated). Municipalities list themselves only.
_TABLE: dict[str, tuple[str, str]] = {
    "北京": ("京", ""),
    "天津": ("津", "滨海"),
    "上海": ("沪申", "浦东"),
    "重庆": ("渝", ""),
    "河北": ("冀", "石家庄 唐山 秦皇岛 邯郸 邢台 保定 张家口 承德 沧州 廊坊 衡水"),
    "山西": ("晋", "太原 大同 阳泉 长治 晋城 朔州 晋中 运城 忻州 临汾 吕梁"),
    "内蒙古": ("蒙", "呼和浩特 包头 乌海 赤峰 通辽 鄂尔多斯 呼伦贝尔 巴彦淖尔 乌兰察布 锡林郭勒"),
    "辽宁": ("辽", "沈阳 大连 鞍山 抚顺 本溪 丹东 锦州 营口 阜新 辽阳 盘锦 铁岭 朝阳 葫芦岛"),
    "吉林": ("吉", "长春 四平 辽源 通化 白山 松原 白城 延边"),
    "黑龙江": ("黑", "哈尔滨 齐齐哈尔 鸡西 鹤岗 双鸭山 大庆 伊春 佳木斯 七台河 牡丹江 黑河 绥化"),
    "江苏": ("苏", "南京 无锡 徐州 常州 苏州 南通 连云港 淮安 盐城 扬州 镇江 泰州 宿迁 "
                   "江阴 宜兴 昆山 常熟 张家港 太仓 吴江 丹阳 溧阳 海门 启东"),
    "浙江": ("浙", "杭州 宁波 温州 嘉兴 湖州 绍兴 金华 衢州 舟山 台州 丽水 "
                   "义乌 余姚 慈溪 诸暨 海宁 桐乡 乐清 瑞安 温岭 东阳 永康 萧山 上虞"),
    "安徽": ("皖", "合肥 芜湖 蚌埠 淮南 马鞍山 淮北 铜陵 安庆 黄山 滁州 阜阳 宿州 六安 亳州 池州 宣城"),
    "福建": ("闽", "福州 厦门 莆田 三明 泉州 漳州 南平 龙岩 宁德 晋江 石狮 福清"),
    "江西": ("赣", "南昌 景德镇 萍乡 九江 新余 鹰潭 赣州 吉安 宜春 抚州 上饶"),
    "山东": ("鲁", "济南 青岛 淄博 枣庄 东营 烟台 潍坊 济宁 泰安 威海 日照 临沂 德州 聊城 滨州 菏泽 "
                   "莱芜 胶州 即墨 寿光 龙口 诸城"),
    "河南": ("豫", "郑州 开封 洛阳 平顶山 安阳 鹤壁 新乡 焦作 濮阳 许昌 漯河 三门峡 南阳 商丘 信阳 "
                   "周口 驻马店 济源"),
    "湖北": ("鄂", "武汉 黄石 十堰 宜昌 襄阳 襄樊 鄂州 荆门 孝感 荆州 黄冈 咸宁 随州 恩施 仙桃 潜江 天门"),
    "湖南": ("湘", "长沙 株洲 湘潭 衡阳 邵阳 岳阳 常德 张家界 益阳 郴州 永州 怀化 娄底 湘西"),
    "广东": ("粤", "广州 韶关 深圳 珠海 汕头 佛山 江门 湛江 茂名 肇庆 惠州 梅州 汕尾 河源 阳江 清远 "
                   "东莞 中山 潮州 揭阳 云浮 顺德"),
    "广西": ("桂", "南宁 柳州 桂林 梧州 北海 防城港 钦州 贵港 玉林 百色 贺州 河池 来宾 崇左"),
    "海南": ("琼", "海口 三亚 儋州"),
    "四川": ("川蜀", "成都 自贡 攀枝花 泸州 德阳 绵阳 广元 遂宁 内江 乐山 南充 眉山 宜宾 广安 达州 "
                   "雅安 巴中 资阳 阿坝 甘孜 凉山"),
    "贵州": ("黔贵", "贵阳 六盘水 遵义 安顺 毕节 铜仁"),
    "云南": ("滇云", "昆明 曲靖 玉溪 保山 昭通 丽江 普洱 临沧 楚雄 红河 文山 西双版纳 大理 德宏"),
    "西藏": ("藏", "拉萨 日喀则 昌都 林芝 山南 那曲"),
    "陕西": ("陕秦", "西安 铜川 宝鸡 咸阳 渭南 延安 汉中 榆林 安康 商洛"),
    "甘肃": ("甘陇", "兰州 嘉峪关 金昌 白银 天水 武威 张掖 平凉 酒泉 庆阳 定西 陇南 临夏"),
    "青海": ("青", "西宁 海东 海西 玉树"),
    "宁夏": ("宁", "银川 石嘴山 吴忠 固原 中卫"),
    "新疆": ("新", "乌鲁木齐 克拉玛依 吐鲁番 哈密 昌吉 阿克苏 喀什 和田 伊犁 塔城 阿勒泰 石河子"),
    "香港": ("港", ""),
    "澳门": ("澳", ""),
    "台湾": ("台", ""),
}

# Cities whose own one-character abbreviation heads stock short names (深振业A = 深圳…,
# 穗恒运A = 广州…); these count as the city's abbreviation besides the province's.
_CITY_ABBREVIATIONS: dict[str, str] = {
    "深": "深圳", "穗": "广州", "杭": "杭州", "甬": "宁波", "厦": "厦门", "汉": "武汉",
    "蓉": "成都", "锡": "无锡", "连": "大连", "哈": "哈尔滨", "沈": "沈阳", "济": "济南",
}

# Administrative suffixes allowed after a region name (longest first).
ADMIN_SUFFIXES: tuple[str, ...] = (
    "维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "自治州", "地区",
    "省", "市", "区", "县", "盟", "州",
)

PROVINCES: tuple[str, ...] = tuple(_TABLE)
CITY_PROVINCE: dict[str, str] = {
    city: province for province, (_, cities) in _TABLE.items() for city in cities.split()
}
for _province in PROVINCES:
    CITY_PROVINCE.setdefault(_province, _province)
# Every region name, longest first so 内蒙古 wins over a shorter overlapping name.
REGION_NAMES: tuple[str, ...] = tuple(sorted(CITY_PROVINCE, key=lambda n: (-len(n), n)))
# abbreviation character → region names it stands for (province and, for city
# abbreviations, the city itself).
ABBREVIATIONS: dict[str, frozenset[str]] = {}
for _province, (_abbrs, _) in _TABLE.items():
    for _ch in _abbrs:
        ABBREVIATIONS[_ch] = ABBREVIATIONS.get(_ch, frozenset()) | {_province}
for _ch, _city in _CITY_ABBREVIATIONS.items():
    ABBREVIATIONS[_ch] = ABBREVIATIONS.get(_ch, frozenset()) | {_city}
