"""The UI shell: the home page shows real figures from the database within the
user's scope, and the language can be switched to English and back."""

import re

from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import gettext

from lianzhang.chains.models import Chain
from lianzhang.core.context import change_context
from lianzhang.core.models import ObjectChange
from lianzhang.core.testing.helpers import client_for
from lianzhang.regions.models import Region


def figure(page, name):
    match = re.search(rf'data-figure="{name}">([\d,]+)<', page)
    assert match, f"no {name} figure"
    return int(match.group(1).replace(",", ""))


def test_it_shows_real_figures_on_the_home_page(world):
    for n, name in enumerate(["胶莱街道", "中云街道", "铺集镇"]):
        Region.objects.create(name=name, code=f"37028101{n}000", level="town",
                              parent=world.district)
    with change_context(user=world.user("secretariat")):
        Region.objects.create(name="首页园区", code="370281006401", level="park",
                              parent=world.town_a)
    page = client_for(world, "admin").get("/").content.decode()
    assert figure(page, "towns") == Region.objects.filter(level="town").count() == 5
    assert figure(page, "chains") == Chain.objects.count()
    assert figure(page, "users") == get_user_model().objects.filter(is_active=True).count()
    assert figure(page, "changes") == ObjectChange.objects.count()
    assert "首页园区" in page and "铺集镇" in page  # recent changes, towns table


def test_it_counts_only_the_users_scope_on_the_home_page(world):
    with change_context(user=world.user("town_a")):
        world.town_a.description = "九龙的说明"
        world.town_a.save()
    with change_context(user=world.user("admin")):
        Region.objects.create(name="管理员建的园区", code="370281006402", level="park",
                              parent=world.town_a)
    page = client_for(world, "town_a").get("/").content.decode()
    assert figure(page, "towns") == Region.objects.restrict(
        world.user("town_a"), "view").filter(level="town").count() == 1
    assert "九龙街道" in page and "胶西街道" not in page
    # The town officer sees their own recent changes, not the whole log.
    with translation.override("zh-hans"):
        recent = page.split(gettext("Recent changes"))[1]
    assert "九龙街道" in recent and "管理员建的园区" not in recent


def test_it_reflects_new_data_on_the_next_visit(world):
    client = client_for(world, "admin")
    before = figure(client.get("/").content.decode(), "towns")
    Region.objects.create(name="洋河镇", code="370281111000", level="town", parent=world.district)
    assert figure(client.get("/").content.decode(), "towns") == before + 1


def zh(msgid):
    with translation.override("zh-hans"):
        return gettext(msgid)


def test_it_switches_to_english_and_back(world):
    heading = zh("Towns and their main industries")
    assert heading != "Towns and their main industries"  # the catalogue translates it
    client = client_for(world, "admin")
    page = client.get("/").content.decode()
    assert '<html lang="zh-hans">' in page and heading in page
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/regions/regions/"})
    assert response.status_code == 302 and response["Location"] == "/regions/regions/"
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page
    assert "Towns and their main industries" in page and "Recent changes" in page
    assert heading not in page
    assert "Regions" in client.get("/regions/regions/").content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    page = client.get("/").content.decode()
    assert '<html lang="zh-hans">' in page and heading in page


def test_it_lets_anonymous_visitors_choose_the_login_language(db):
    from django.test import Client

    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    page = client.get("/login/").content.decode()
    assert "Sign in" in page and "登录" not in page
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/login/"})
    assert "登录" in client.get("/login/").content.decode()


def test_it_shows_navigation_only_for_what_the_user_may_see(world):
    admin_page = client_for(world, "admin").get("/").content.decode()
    town_page = client_for(world, "town_a").get("/").content.decode()
    assert "/core/audit/" in admin_page and "/admin/" in admin_page
    assert "/core/audit/" not in town_page and "/admin/" not in town_page
    assert "/regions/regions/" in town_page
    nobody_page = client_for(world, "nobody").get("/").content.decode()
    assert "/regions/regions/" not in nobody_page
