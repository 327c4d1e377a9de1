"""Small published maps, outside firms and leads for the attraction tests."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import translation
from django.utils.translation import gettext

from chainkit.uscc import make_uscc
from lianzhang.attraction.models import Lead
from lianzhang.enterprises.models import Enterprise, Product
from lianzhang.mapping.tests.helpers import publish_map

__all__ = ["NAMES", "leaf", "outside_firm", "make_lead", "zh", "uscc", "day"]

NAMES = ["海岳", "青蓝", "胶澳", "琴岛", "崂峰", "沧口", "浮山", "鳌山", "灵珠", "珠山", "大珠",
         "小珠", "凤凰", "铁橛", "华楼", "棋盘", "马濠", "云溪", "少海", "艾山", "三里", "九龙",
         "洋河", "里岔", "铺集", "胶莱", "李哥", "阜安", "中云", "北岭"]


def leaf(chain: Any, name: str = "压缩机") -> Any:
    """A leaf of the chain's published map (publishing a small map when it has none)."""
    version = chain.published_map() or publish_map(
        chain, {"压缩机": ["压缩机", "冰箱压缩机"], "电机": ["电机"], "显示面板": ["液晶屏"]})
    return version.nodes.get(name=name)


def uscc(n: int) -> str:
    """A valid USCC numbered n (outside firms: a Zhejiang division)."""
    return make_uscc(f"9133020{n:010d}")


def outside_firm(n: int, products: tuple[str, ...] = ("冰箱压缩机",), region: str = "浙江省宁波市",
                 name: str = "") -> Enterprise:
    """An outside firm (town=None) with products, made once per name."""
    name = name or f"宁波{NAMES[n % len(NAMES)]}{n}号压缩机制造有限公司"
    firm = Enterprise.objects.filter(name=name).first()
    if firm is None:
        firm = Enterprise.objects.create(name=name, town=None, region_name=region)
        for product in products:
            Product.objects.create(enterprise=firm, name=product)
    return firm


def make_lead(town: Any, chain: Any, n: int, **fields: Any) -> Lead:
    """A lead on the chain's 压缩机 leaf by outside firm n."""
    values = {"enterprise": outside_firm(n), "chain": chain, "node": leaf(chain), "town": town,
              "summary": f"招商项目{n}"}
    values.update(fields)
    return Lead.objects.create(**values)


def zh(message_id: str, **params: Any) -> str:
    """A project message in Chinese (the msgid while the catalogue lacks it)."""
    with translation.override("zh-hans"):
        text = gettext(message_id)
    return text % params if params else text


def day(month: int, d: int, year: int = 2024) -> datetime.date:
    """A date in 2024 by default."""
    return datetime.date(year, month, d)
