"""Facts of the demo city, from public reports (DESIGN §5): Jiaozhou (胶州市, 370281)
under Qingdao, its towns and their main industries, and Qingdao's key chains.
Everything not listed here is generated and marked as demo data."""

from __future__ import annotations

__all__ = ["PROVINCE", "CITY", "DISTRICT", "TOWNS", "CHAINS"]

PROVINCE = ("山东省", "370000000000")
CITY = ("青岛市", "370200000000")
DISTRICT = ("胶州市", "370281000000")

# (name, 12-digit statistical code, level, main industry as reported, main chain code)
TOWNS: list[tuple[str, str, str, str, str]] = [
    ("阜安街道", "370281001000", "town", "智能制造装备/数控机床", "smart-manufacturing-equipment"),
    ("中云街道", "370281002000", "town", "商贸", "modern-commerce"),
    ("三里河街道", "370281004000", "town", "楼宇经济", ""),
    ("九龙街道", "370281006000", "town", "智能家电", "smart-appliance"),
    ("胶东街道", "370281007000", "town", "", ""),
    ("胶北街道", "370281008000", "town", "港贸港服/物流", "modern-logistics"),
    ("胶西街道", "370281009000", "town", "高端装备（新能源装备/电化学储能、工程机械）",
     "hydrogen-energy-storage"),
    ("胶莱街道", "370281010000", "town", "临空高端制造", "airport-manufacturing"),
    ("李哥庄镇", "370281102000", "town", "美丽时尚/发制品", "beauty-fashion"),
    ("铺集镇", "370281105000", "town", "家居", "home-furnishing"),
    ("里岔镇", "370281108000", "town", "预制菜", "food-beverage"),
    ("洋河镇", "370281111000", "town", "", ""),
    ("胶州经济技术开发区", "370281400000", "park", "", ""),
]

# (name, code, category) — Qingdao's key chains (2024) plus the demo towns' own.
CHAINS: list[tuple[str, str, str]] = [
    ("智能家电", "smart-appliance", "advantage"),
    ("新能源汽车", "new-energy-vehicle", "advantage"),
    ("海洋装备", "marine-equipment", "advantage"),
    ("食品饮料", "food-beverage", "advantage"),
    ("高端化工", "high-end-chemicals", "advantage"),
    ("纺织服装", "textile-apparel", "advantage"),
    ("新型显示", "new-display", "emerging"),
    ("人工智能", "artificial-intelligence", "emerging"),
    ("智能制造装备", "smart-manufacturing-equipment", "advantage"),
    ("现代金融", "modern-finance", "advantage"),
    ("科技服务", "tech-services", "emerging"),
    ("会展", "exhibition", "advantage"),
    ("集成电路", "integrated-circuit", "emerging"),
    ("生物医药及医疗器械", "biomedicine-medical-devices", "emerging"),
    ("氢能与储能", "hydrogen-energy-storage", "future"),
    ("软件和信息服务", "software-info-services", "emerging"),
    ("先进高分子及金属材料", "advanced-polymer-metal-materials", "emerging"),
    ("文化旅游", "culture-tourism", "advantage"),
    ("通用航空", "general-aviation", "future"),
    ("现代物流", "modern-logistics", "advantage"),
    ("虚拟现实", "virtual-reality", "future"),
    ("精密仪器仪表", "precision-instruments", "emerging"),
    ("轨道交通", "rail-transit", "advantage"),
    ("现代商贸", "modern-commerce", "advantage"),
    ("美丽时尚", "beauty-fashion", "advantage"),
    ("家居", "home-furnishing", "advantage"),
    ("临空高端制造", "airport-manufacturing", "emerging"),
]
