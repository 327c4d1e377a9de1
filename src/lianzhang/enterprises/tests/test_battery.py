"""The standard batteries for the enterprise registry."""

from chainkit.uscc import make_uscc
from lianzhang.core.testing.battery import ObjectBattery
from lianzhang.enterprises import views as v
from lianzhang.enterprises.models import (
    Contact,
    Enterprise,
    EnterpriseName,
    InnovationPlatform,
    NameReview,
    Park,
    Product,
    SupplyTie,
    YearlyFigure,
)

WORDS = ["海岳", "青蓝", "胶澳", "琴岛", "崂峰", "沧口", "浮山", "鳌山", "灵珠", "珠山", "大珠",
         "小珠", "凤凰", "铁橛", "华楼", "棋盘", "马濠", "云溪", "少海", "艾山", "三里", "九龙",
         "洋河", "里岔", "铺集", "胶莱", "李哥", "阜安", "中云", "北岭"]
KINDS = ["精密机械", "智能科技", "电子材料", "新能源", "食品", "家居用品", "压缩机", "汽车部件",
         "医疗器械", "化工", "纺织", "物流", "软件", "光电", "橡胶", "模具", "钢构", "包装",
         "生物", "航空", "船舶", "仪表", "涂料", "玻璃", "陶瓷", "铸造", "阀门", "轴承", "泵业",
         "线缆"]


def firm_name(n):
    return f"青岛{WORDS[n % len(WORDS)]}{KINDS[n % len(KINDS)]}有限公司"


def firm(town, n):
    return Enterprise.objects.get_or_create(name=firm_name(n), defaults={"town": town})[0]


def uscc(n):
    return make_uscc(f"9137028{n:010d}")


class TestEnterpriseBattery(ObjectBattery):
    """Firms are scoped by town."""

    object_type = v.EnterpriseType

    def make(self, world, town, chain, n):
        return firm(town, n)

    def form_data(self, world, town, chain, n):
        return {"uscc": uscc(n), "name": firm_name(n), "status": "existing", "town": town.pk,
                "industry_code": "3442", "products": "压缩机:0.6|电机:0.3",
                "description": ""}

    def import_data(self, world, town, chain, n):
        return {**self.form_data(world, town, chain, n), "town": town.name}

    def api_data(self, world, town, chain, n):
        return {"uscc": uscc(n), "name": firm_name(n), "town": town.pk}


def _owned(factory):
    """Battery methods for a model that hangs off an enterprise."""

    def make(self, world, town, chain, n):
        return factory(firm(town, n), n)

    return make


class TestEnterpriseNameBattery(ObjectBattery):
    object_type = v.EnterpriseNameType
    make = _owned(lambda f, n: EnterpriseName.objects.create(enterprise=f, name=f"曾用名{n}"))

    def form_data(self, world, town, chain, n):
        return {"enterprise": firm(town, n).name, "name": f"简称{n}", "kind": "short"}

    def api_data(self, world, town, chain, n):
        return {"enterprise": firm(town, n).pk, "name": f"别名{n}", "kind": "alias"}

    def edit_change(self):
        return "name", "改过的简称"


class TestProductBattery(ObjectBattery):
    object_type = v.ProductType
    make = _owned(lambda f, n: Product.objects.create(enterprise=f, name=f"产品{n}"))

    def form_data(self, world, town, chain, n):
        return {"enterprise": firm(town, n).name, "name": f"压缩机{n}", "revenue_share": "0.5"}

    def api_data(self, world, town, chain, n):
        return {"enterprise": firm(town, n).pk, "name": f"电机{n}", "revenue_share": "0.2"}

    def edit_change(self):
        return "name", "改名的产品"


class TestContactBattery(ObjectBattery):
    object_type = v.ContactType
    make = _owned(lambda f, n: Contact.objects.create(enterprise=f, name=f"联系人{n}"))

    def form_data(self, world, town, chain, n):
        return {"enterprise": firm(town, n).name, "name": f"王经理{n}", "title": "总经理",
                "phone": "0532-1234567", "email": ""}

    def api_data(self, world, town, chain, n):
        return {"enterprise": firm(town, n).pk, "name": f"李经理{n}"}

    def edit_change(self):
        return "title", "副总经理"

    def search_text(self, obj):
        return obj.name


class TestYearlyFigureBattery(ObjectBattery):
    object_type = v.YearlyFigureType
    make = _owned(lambda f, n: YearlyFigure.objects.create(enterprise=f, year=2000 + n,
                                                           source="统计年报"))

    def form_data(self, world, town, chain, n):
        return {"enterprise": firm(town, n).name, "year": 2000 + n, "output_value": "1200.5",
                "source": "企业自报"}

    def api_data(self, world, town, chain, n):
        return {"enterprise": firm(town, n).pk, "year": 2000 + n, "source": "税务数据"}

    def edit_change(self):
        return "source", "统计局规上企业年报"

    def search_text(self, obj):
        return obj.enterprise.name


class TestSupplyTieBattery(ObjectBattery):
    object_type = v.SupplyTieType

    def make(self, world, town, chain, n):
        return SupplyTie.objects.create(supplier=firm(town, n + 40), customer=firm(town, n),
                                        year=2024, annual_value=100)

    def form_data(self, world, town, chain, n):
        return {"supplier": firm(town, n + 40).name, "customer": firm(town, n).name,
                "product": "压缩机", "year": 2024, "annual_value": "350"}

    def api_data(self, world, town, chain, n):
        return {"supplier": firm(town, n + 40).pk, "customer": firm(town, n).pk, "year": 2023}

    def edit_change(self):
        return "product", "电机"

    def search_text(self, obj):
        return obj.customer.name


class TestParkBattery(ObjectBattery):
    object_type = v.ParkType

    def make(self, world, town, chain, n):
        park = Park.objects.create(name=f"智能家电产业园{n}", town=town)
        park.chains.set([chain])
        return park

    def form_data(self, world, town, chain, n):
        return {"name": f"新园区{n}", "town": town.pk, "level": "municipal",
                "chains": [chain.code], "description": ""}

    def import_data(self, world, town, chain, n):
        return {**self.form_data(world, town, chain, n), "chains": chain.code,
                "town": town.code}

    def api_data(self, world, town, chain, n):
        return {"name": f"接口园区{n}", "town": town.pk, "chains": [chain.pk]}


class TestInnovationPlatformBattery(ObjectBattery):
    object_type = v.InnovationPlatformType

    def make(self, world, town, chain, n):
        platform = InnovationPlatform.objects.create(name=f"压缩机工程中心{n}", level="provincial",
                                                     type="engineering", town=town)
        platform.chains.set([chain])
        return platform

    def form_data(self, world, town, chain, n):
        return {"name": f"新平台{n}", "level": "national", "type": "lab", "host": "",
                "town": town.pk, "chains": [chain.code], "description": ""}

    def import_data(self, world, town, chain, n):
        return {**self.form_data(world, town, chain, n), "chains": chain.code,
                "town": town.code, "nodes": ""}

    def api_data(self, world, town, chain, n):
        return {"name": f"接口平台{n}", "level": "municipal", "type": "other", "town": town.pk,
                "chains": [chain.pk]}


class TestNameReviewBattery(ObjectBattery):
    object_type = v.NameReviewType

    def make(self, world, town, chain, n):
        return NameReview.objects.create(name=f"待确认企业{n}", town=town)

    def form_data(self, world, town, chain, n):
        return {"name": f"手工登记{n}", "uscc": "", "source": "人工", "town": town.pk}

    def api_data(self, world, town, chain, n):
        return {"name": f"接口登记{n}", "town": town.pk}

    def edit_change(self):
        return "source", "复核"
