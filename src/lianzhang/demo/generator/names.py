"""Names, codes and addresses of generated firms.

Every firm gets a distinct name *core* (瑞丰, 恒泰 …) from a deterministic walk over
the core space, so no two generated firms share a core and names never collide; cores
that contain a chain-map keyword (海绵, 冰箱 …) are left out so a name does not claim a
product the firm does not make. USCCs are derived from the firm's index (an 8-digit
organisation body with its GB 11714 check character), so they are unique by
construction and can be recomputed without the firm."""

from __future__ import annotations

import random
from collections.abc import Iterable

from chainkit.uscc import make_uscc

__all__ = ["CoreSpace", "LOCAL_DIVISION", "OUTSIDE_REGIONS", "make_firm_uscc", "firm_name",
           "local_address", "outside_address"]

LOCAL_DIVISION = "370281"  # 胶州市

# First and second characters of name cores: disjoint lists without near-homophone
# pairs inside one list, so two cores never differ by a look-alike character only.
_FIRST = ("瑞", "恒", "鑫", "华", "宏", "德", "泰", "金", "利", "永", "正", "广", "嘉", "盛",
          "源", "中", "东", "益", "新", "天", "明", "诚", "信", "安", "富", "佳", "万", "博",
          "创", "联", "志", "凯", "浩", "兴", "卓", "康", "隆", "晨", "通", "精", "海", "润",
          "胜", "祥", "捷", "远", "荣", "德", "星", "奥", "宝", "大", "宇", "冠", "亚", "豪",
          "欧", "科", "振", "伟", "昌", "启", "双", "合", "汇", "众", "全", "力", "鼎", "舜")
_SECOND = ("丰", "达", "昊", "鹏", "辉", "盈", "越", "峰", "发", "航", "顺", "耀", "晟", "远",
           "泽", "坤", "朗", "扬", "禾", "驰", "亿", "弘", "森", "翔", "铭", "锐", "拓", "杰",
           "邦", "迈", "帆", "澜", "川", "嵘", "崇", "彬", "琪", "璟", "骏", "岳", "舟", "航",
           "楷", "炜", "霖", "瀚", "钧", "煜", "湃", "阔", "笙", "韬", "卿", "麟", "佑", "恩",
           "瑄", "琛", "谦", "赫", "旭", "悦", "宸", "诺", "灏", "岚", "旗", "宁", "腾", "汐")
_THIRD = ("源", "通", "达", "盛", "泰", "信", "和", "安", "成", "兴", "华", "利", "捷", "德",
          "丰", "昌", "隆", "嘉", "荣", "新", "鑫", "恒", "远", "正", "宏", "富", "明", "博")

# Outside firms' home regions: (region name as registered, 6-digit division, name prefix).
OUTSIDE_REGIONS: list[tuple[str, str, str]] = [
    ("浙江省宁波市", "330200", "宁波"), ("浙江省杭州市", "330100", "杭州"),
    ("浙江省嘉兴市", "330400", "嘉兴"), ("浙江省台州市", "331000", "台州"),
    ("江苏省苏州市", "320500", "苏州"), ("江苏省常州市", "320400", "常州"),
    ("江苏省无锡市", "320200", "无锡"), ("江苏省南京市", "320100", "南京"),
    ("广东省佛山市", "440600", "佛山"), ("广东省深圳市", "440300", "深圳"),
    ("广东省珠海市", "440400", "珠海"), ("广东省东莞市", "441900", "东莞"),
    ("安徽省合肥市", "340100", "合肥"), ("安徽省芜湖市", "340200", "芜湖"),
    ("上海市", "310000", "上海"), ("北京市", "110000", "北京"), ("天津市", "120000", "天津"),
    ("山东省济南市", "370100", "济南"), ("山东省烟台市", "370600", "烟台"),
    ("山东省潍坊市", "370700", "潍坊"), ("湖北省武汉市", "420100", "武汉"),
    ("湖北省黄石市", "420200", "黄石"), ("江西省景德镇市", "360200", "景德镇"),
    ("辽宁省大连市", "210200", "大连"), ("四川省成都市", "510100", "成都"),
    ("陕西省西安市", "610100", "西安"), ("河南省郑州市", "410100", "郑州"),
    ("福建省厦门市", "350200", "厦门"), ("湖南省长沙市", "430100", "长沙"),
    ("重庆市", "500000", "重庆"),
]

_ROADS = ("兰州东路", "广州北路", "杭州路", "胶州湾大道", "扬州路", "福州南路", "常州路",
          "温州路", "营海二路", "九龙大道", "北京东路", "长江路", "珠江路", "海尔大道",
          "李哥庄大道", "铺集路", "里岔路", "阜安路", "三里河路", "胶北路", "胶莱大道")
_OUT_ROADS = ("科技大道", "工业园路", "经济开发区创业路", "高新区科创路", "滨江大道",
              "发展大道", "新城路", "港城大道", "兴业路", "振兴路")

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_STEP = 7_368_787  # coprime with 10**8: index → body is a bijection


def _org_check(body: str) -> str:
    """GB 11714 check character of an 8-digit organisation code body."""
    value = 11 - sum(int(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def make_firm_uscc(seed: int, index: int, division: str) -> str:
    """A valid, unique 18-character USCC for firm `index` (9 = market regulator,
    1 = enterprise, the 6-digit division, a 9-character organisation code)."""
    body = f"{(seed * 7919 + 10_000_000 + index * _ORG_STEP) % 10**8:08d}"
    return make_uscc(f"91{division}{body}{_org_check(body)}")


class CoreSpace:
    """Distinct name cores, handed out in a seeded pseudo-random order.

    Two-character cores first (nicer names); when a registry needs more than the
    two-character space holds, three-character cores take over."""

    def __init__(self, seed: int, needed: int, banned: Iterable[str] = ()) -> None:
        banned_set = {b for b in banned if len(b) >= 2}
        firsts = list(dict.fromkeys(_FIRST))
        seconds = [c for c in dict.fromkeys(_SECOND) if c not in firsts]
        pairs = [a + b for a in firsts for b in seconds]
        if needed > len(pairs) // 2:
            thirds = list(dict.fromkeys(_THIRD + _FIRST + _SECOND))
            pairs = [p + c for p in pairs for c in thirds if c not in p]

        def clean(core: str) -> bool:
            # every substring of length ≥ 2 (cores have 2 or 3 characters)
            subs = {core[i:j] for i in range(len(core)) for j in range(i + 2, len(core) + 1)}
            return not subs & banned_set

        self._cores = [p for p in pairs if clean(p)]
        random.Random(seed).shuffle(self._cores)
        if needed > len(self._cores):
            raise ValueError(f"only {len(self._cores)} name cores for {needed} firms")

    def __getitem__(self, index: int) -> str:
        return self._cores[index]

    def __len__(self) -> int:
        return len(self._cores)


def firm_name(rng: random.Random, core: str, word: str, local: bool, prefix: str = "") -> str:
    """A registered firm name: 青岛瑞丰电机有限公司, 胶州市恒达钣金有限公司,
    宁波鑫泰压缩机股份有限公司, 瑞丰（苏州）精密有限公司 …"""
    roll = rng.random()
    form = "股份有限公司" if roll < 0.07 else "有限责任公司" if roll < 0.15 else "有限公司"
    if local:
        place = "胶州市" if rng.random() < 0.25 else "青岛"
    else:
        place = prefix
    if rng.random() < 0.05:
        return f"{core}（{'青岛' if local else prefix}）{word}{form}"
    return f"{place}{core}{word}{form}"


def local_address(rng: random.Random, town: str) -> str:
    """A street address in Jiaozhou."""
    return f"山东省青岛市胶州市{town}{rng.choice(_ROADS)}{rng.randint(1, 899)}号"


def outside_address(rng: random.Random, region: str) -> str:
    """A street address in the firm's home region."""
    return f"{region}{rng.choice(_OUT_ROADS)}{rng.randint(1, 1999)}号"
