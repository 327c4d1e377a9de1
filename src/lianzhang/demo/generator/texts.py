"""Products and business scope (经营范围) text of generated firms.

The scope reads like a registry extract: the firm's own products first (with 制造/销售
or as a service), then the boilerplate most registrations carry. Most boilerplate items
are free of chain-map keywords; a few realistic ones are not (企业管理咨询, 普通货物仓储
服务 …) and appear rarely, so 挂链 meets the noise real scopes contain."""

from __future__ import annotations

import random

from .catalog import LOCAL_FORBIDDEN, SERVICE_CHAINS, Leaf

__all__ = ["products_for", "business_scope", "SERVICE_ENDINGS"]

SERVICE_ENDINGS = ("服务", "销售", "零售", "批发", "物流", "运输", "配送", "仓储", "维修", "安装",
                   "租赁", "回收", "咨询", "平台", "电商", "设计", "检测", "培训", "运营", "外包",
                   "代理", "管理", "中介", "孵化", "金融", "保险", "银行", "支付", "贸易")

_COMMON = ("技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广", "五金产品批发",
           "五金产品零售", "机械设备销售", "塑料制品销售", "货物进出口", "技术进出口",
           "办公用品销售", "劳务服务（不含劳务派遣）", "日用百货销售", "电子产品销售",
           "信息咨询服务（不含许可类信息咨询服务）", "非居住房地产租赁", "装卸搬运",
           "以自有资金从事投资活动", "社会经济咨询服务", "计算机软硬件及辅助设备零售",
           "机械零件、零部件加工", "机械零件、零部件销售", "合成材料销售", "电气设备销售")
_MAKER = ("通用设备制造（不含特种设备制造）", "专用设备制造（不含许可类专业设备制造）",
          "模具销售", "金属制品销售", "新材料技术推广服务", "工业设计服务")
# Real-world items that happen to contain a chain-map keyword: rare on purpose.
_NOISY = ("企业管理咨询", "普通货物仓储服务（不含危险化学品等需许可审批的项目）",
          "互联网销售（除销售需要许可的商品）", "国内贸易代理", "市场营销策划")
_TAIL = "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"
_LICENSED = ("许可项目：货物进出口；技术进出口。（依法须经批准的项目，经相关部门批准后方可开展"
             "经营活动，具体经营项目以相关部门批准文件或许可证件为准）")


def _is_service(leaf: Leaf, word: str) -> bool:
    return (leaf.segment == "downstream" or leaf.chain in SERVICE_CHAINS
            or word.endswith(SERVICE_ENDINGS))


def _words(leaf: Leaf, local: bool) -> tuple[str, ...]:
    return leaf.local_keywords if local else leaf.keywords


def products_for(rng: random.Random, leaves: tuple[Leaf, ...], local: bool,
                 main_share: tuple[float, float] = (0.5, 0.9)) -> list[tuple[str, float]]:
    """1–4 products named after the leaves' keywords, with revenue shares summing to at
    most 1 (the first product, from the primary leaf, takes the largest share)."""
    names: list[str] = []
    for i, leaf in enumerate(leaves):
        words = list(_words(leaf, local))
        take = 1 if i else rng.choice((1, 1, 2, 2, 3))
        for word in rng.sample(words, min(take, len(words))):
            if word not in names and len(names) < 4:
                names.append(word)
    first = rng.uniform(*main_share)
    rest = (1 - first) * rng.uniform(0.6, 1.0)
    shares = [first]
    for i in range(1, len(names)):
        part = rest * (0.6 if i < len(names) - 1 else 1.0)
        shares.append(part)
        rest -= part
    return [(name, round(share, 4)) for name, share in zip(names, shares, strict=True)]


def business_scope(rng: random.Random, leaves: tuple[Leaf, ...], products: list[str],
                   local: bool) -> str:
    """A 经营范围 of about 100–300 characters: own products, then boilerplate."""
    items: list[str] = []
    extra = [w for leaf in leaves for w in _words(leaf, local) if w not in products]
    words = products + rng.sample(extra, min(len(extra), rng.randint(0, 2)))
    primary = leaves[0]
    if rng.random() < 0.3 and not _is_service(primary, words[0]):
        items.append(f"生产、加工、销售：{'、'.join(words)}")
    else:
        for word in words:
            if _is_service(primary, word):
                items.append(word if word.endswith(SERVICE_ENDINGS) else f"{word}服务")
            else:
                items.append(f"{word}制造")
                items.append(f"{word}销售")
    if rng.random() < 0.35:
        items.append(f"{words[0]}研发")
    pool = list(_COMMON) + ([] if _is_service(primary, words[0]) else list(_MAKER))
    rng.shuffle(pool)
    if rng.random() < 0.12:
        pool.insert(rng.randint(0, 3), rng.choice(_NOISY))
    head = "一般项目："
    text = head + "；".join(items)
    for item in pool:
        if len(text) >= 100 and (len(text) > 170 or rng.random() < 0.3):
            break
        if len(text) + len(item) + len(_TAIL) > 280:
            break
        items.append(item)
        text = head + "；".join(items)
    text += "。" + _TAIL
    if rng.random() < 0.3 and len(text) + len(_LICENSED) <= 300:
        text += _LICENSED
    if local and any(t in text for t in LOCAL_FORBIDDEN):  # never expected; guard
        raise AssertionError(f"forbidden term in a local firm's scope: {text}")
    return text
