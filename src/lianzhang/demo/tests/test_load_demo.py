"""`load_demo`: the Jiaozhou demo city (DESIGN §5), loaded idempotently, with demo
users who can sign in."""

import io

import pytest
from django.core.management import call_command
from django.test import Client

from lianzhang.core.models import ObjectChange
from lianzhang.demo.loader import DEMO_PASSWORD, DEMO_USERS
from lianzhang.regions.models import Region
from lianzhang.users.roles import Role

TOWNS = ["九龙街道", "胶莱街道", "中云街道", "铺集镇", "李哥庄镇", "胶西街道", "三里河街道",
         "胶北街道", "里岔镇", "阜安街道", "胶东街道", "洋河镇"]

# DESIGN §5: each town's main industry as the public reports name it.
INDUSTRIES = {
    "九龙街道": "智能家电", "胶莱街道": "临空高端制造", "中云街道": "商贸", "铺集镇": "家居",
    "李哥庄镇": "发制品", "胶西街道": "高端装备", "三里河街道": "楼宇经济", "胶北街道": "物流",
    "里岔镇": "预制菜", "阜安街道": "数控机床",
}


def load():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db):
    return load()


def counts():
    from django.apps import apps

    return {m._meta.label: m._base_manager.count()
            for m in apps.get_app_config("regions").get_models()} | {
        m._meta.label: m._base_manager.count()
        for app in ("chains", "users", "core") for m in apps.get_app_config(app).get_models()}


def test_it_loads_twice_without_creating_or_recording_anything_new(demo):
    before = counts()
    audit = ObjectChange.objects.count()
    assert audit > 0  # the first run was recorded
    output = load()
    assert counts() == before
    assert ObjectChange.objects.count() == audit
    assert "+1" not in output and "演示账号" in output


def test_it_loads_jiaozhou_with_its_towns_and_industries(demo):
    """One load checked from several sides (the loader takes seconds)."""
    province = Region.objects.get(code="370000000000", level="province")
    city = Region.objects.get(code="370200000000", parent=province, level="city")
    jiaozhou = Region.objects.get(code="370281000000", parent=city, level="district")
    assert (province.name, city.name, jiaozhou.name) == ("山东省", "青岛市", "胶州市")
    towns = {r.name: r for r in jiaozhou.children.filter(level="town")}
    assert sorted(towns) == sorted(TOWNS)
    park = jiaozhou.children.get(level="park")
    assert park.name == "胶州经济技术开发区"
    for region in [*towns.values(), park]:
        assert len(region.code) == 12 and region.code.startswith("370281"), region

    # Each town's main industry (一镇一业) as DESIGN §5 reports it.
    for name, industry in INDUSTRIES.items():
        assert industry in towns[name].main_industry, name
    assert towns["九龙街道"].main_chain.name == "智能家电"
    assert towns["阜安街道"].main_chain.name == "智能制造装备"
    # 胶东街道 and 洋河镇: industry not reported, so none invented.
    assert towns["胶东街道"].main_industry == "" and towns["洋河镇"].main_industry == ""

    # Marked as demo data, and recorded under the demo actor.
    assert all(r.tags.filter(slug="demo").exists() for r in Region.objects.all())
    change = ObjectChange.objects.for_object(jiaozhou).get(action="create")
    assert change.user is None and change.user_name == "demo"
    assert change.request_id is not None


def _signed_in(username):
    client = Client()
    response = client.post("/login/", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, (username, response.status_code)
    return client


def test_it_lets_every_demo_user_sign_in_within_their_scope(demo):
    for username, _display, role, *_scope in DEMO_USERS:
        home = _signed_in(username).get("/", follow=True)
        assert home.status_code == 200
        if role == Role.FIRM:  # the enterprise user's home is its own firm
            assert home.redirect_chain[0][0].startswith("/enterprises/enterprises/")
    assert "alert-warning" in _signed_in("admin").get("/").content.decode()  # demo banner
    page = _signed_in("jiulong").get("/regions/regions/").content.decode()
    assert "九龙街道" in page and "胶西街道" not in page
    page = _signed_in("jiaoxi").get("/regions/regions/").content.decode()
    assert "胶西街道" in page and "九龙街道" not in page
