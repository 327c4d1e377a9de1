"""Done-when of issue 3: a secretariat user imports a GBK CSV of 1,000 firms with
duplicates, spelling variants and typos and ends with no duplicate records; variants
land on the registered firms (kept as aliases), ambiguous names are queued for review
and nothing is created for them; deciding a review works through the UI."""

from collections import Counter

from chainkit.resolve import normalize_name
from lianzhang.core.testing.helpers import client_for, csv_bytes
from lianzhang.enterprises.models import Enterprise, EnterpriseName, NameReview

from .firmgen import messy_list
from .helpers import make_firm, post_import, uscc

HEADER = ["统一社会信用代码", "企业名称", "所属镇街", "登记状态", "主营产品", "行业代码"]


def import_messy_list(world):
    """The registry before the import, then the import itself (through the page)."""
    messy = messy_list(uscc)
    registered = {name: make_firm(name, world.town_a, uscc=uscc(100 + i))
                  for i, name in enumerate(messy.registry)}
    for yantai, weifang in messy.pairs:
        make_firm(yantai, None, region_name="烟台市")
        make_firm(weifang, None, region_name="潍坊市")
    rows = [[code, name, world.town_a.name, "存续", "零部件:0.5", "3442"]
            for code, name in messy.rows]
    response = post_import(client_for(world, "secretariat"),
                           csv_bytes(HEADER, rows, encoding="gbk"))
    assert response.status_code == 302, response.context["result"].errors[:5]
    return messy, registered


def test_it_imports_a_messy_gbk_list_and_decides_reviews_in_the_ui(world):
    """One import (the slow part, a few seconds) checked from every side."""
    imported = import_messy_list(world)
    check_no_duplicates(imported)
    check_ambiguous_names_queued(imported)
    check_reviews_decided_through_the_ui(world, imported)


def check_no_duplicates(imported):
    messy, registered = imported
    firms = list(Enterprise.objects.values_list("name", "uscc"))
    # A borderline new name may be queued instead of guessed (never created twice).
    held = set(NameReview.objects.values_list("name", flat=True)) - set(messy.ambiguous)
    assert len(held) <= 5, held
    new = [n for n in messy.new_names if n not in held]
    assert len(firms) == len(messy.registry) + 2 * len(messy.pairs) + len(new)
    by_name = Counter(normalize_name(name) for name, _u in firms)
    assert by_name.most_common(1)[0][1] == 1 or all(
        # the region pairs are two firms with one core name on purpose
        normalize_name(n) in {normalize_name(a) for a, _b in messy.pairs}
        for n, c in by_name.items() if c > 1)
    codes = [u for _n, u in firms if u]
    assert len(codes) == len(set(codes))
    names = {n for n, _u in firms}
    # each new firm exists once, under its name or (when a variant row came first) a
    # spelling with the same normalised name
    assert {normalize_name(n) for n in new} <= {normalize_name(n) for n in names}
    # a typo of a registered firm is never created as a firm: it is linked (kept as an
    # alias) or, when the resolver is unsure, queued; nearly all are linked
    linked = 0
    for typo, original in messy.typos.items():
        assert typo not in names
        aliased = EnterpriseName.objects.filter(enterprise=registered[original], name=typo,
                                                kind="alias").exists()
        assert aliased or NameReview.objects.filter(name=typo).exists(), typo
        linked += aliased
    assert linked >= 0.9 * len(messy.typos), linked


def check_ambiguous_names_queued(imported):
    messy, _registered = imported
    queued = set(NameReview.objects.filter(status="pending").values_list("name", flat=True))
    assert set(messy.ambiguous) <= queued and len(queued) <= len(messy.ambiguous) + 5
    assert not Enterprise.objects.filter(name__in=queued).exists()
    review = NameReview.objects.get(name=messy.ambiguous[0])
    assert len(review.candidates) == 2 and review.row_data["products"] == "零部件:0.5"


def check_reviews_decided_through_the_ui(world, imported):
    messy, _registered = imported
    client = client_for(world, "secretariat")
    link, create, dismiss = (NameReview.objects.get(name=n) for n in messy.ambiguous[:3])
    page = client.get(link.get_absolute_url())
    assert page.status_code == 200 and f"namereviews/{link.pk}/decide/" in page.content.decode()
    target = link.candidates[0]["id"]
    client.post(f"/enterprises/namereviews/{link.pk}/decide/",
                {"action": "link", "enterprise": target})
    client.post(f"/enterprises/namereviews/{create.pk}/decide/", {"action": "create"})
    client.post(f"/enterprises/namereviews/{dismiss.pk}/decide/", {"action": "dismiss"})
    link.refresh_from_db()
    create.refresh_from_db()
    dismiss.refresh_from_db()
    assert (link.status, link.resolved_to_id) == ("linked", target)
    assert EnterpriseName.objects.filter(enterprise_id=target, name=link.name).exists()
    assert create.status == "created" and create.resolved_to.name == create.name
    assert create.resolved_to.products.get().name == "零部件"
    assert dismiss.status == "dismissed" and dismiss.decided_by == world.user("secretariat")
    assert not Enterprise.objects.filter(name=dismiss.name).exists()
    # decided once: a second decision is refused
    client.post(f"/enterprises/namereviews/{dismiss.pk}/decide/", {"action": "create"})
    assert not Enterprise.objects.filter(name=dismiss.name).exists()
