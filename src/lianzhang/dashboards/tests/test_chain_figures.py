"""The chain page's figures against hand-computed values and an independent SQL query."""

import io
import re

import pytest
from django.core.checks import run_checks
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from openpyxl import load_workbook
from PIL import Image

from lianzhang.dashboards.data import chain_summary, town_lqs
from lianzhang.dashboards.models import ChainSnapshot


def _client(world, name="admin"):
    client = Client()
    client.force_login(world.user(name))
    return client


def _sql_figures(chain_id: int, year: int) -> tuple[float, float]:
    """Completeness and the value-based supporting rate, straight from the tables."""
    with connection.cursor() as cur:
        cur.execute("""
            SELECT n.id, n.weight,
                   EXISTS (SELECT 1 FROM mapping_nodelink l
                           JOIN enterprises_enterprise e ON e.id = l.enterprise_id
                           WHERE l.node_id = n.id AND e.town_id IS NOT NULL
                             AND e.status IN ('existing', 'operating')
                             AND l.status IN ('confirmed', 'auto'))
            FROM chains_chainnode n JOIN chains_mapversion m ON m.id = n.map_id
            WHERE m.chain_id = %s AND m.status = 'published'
              AND NOT EXISTS (SELECT 1 FROM chains_chainnode c WHERE c.parent_id = n.id)""",
                    [chain_id])
        leaves = cur.fetchall()
        cur.execute("""
            SELECT SUM(CASE WHEN s.town_id IS NOT NULL THEN t.annual_value ELSE 0 END),
                   SUM(t.annual_value)
            FROM enterprises_supplytie t
            JOIN enterprises_enterprise s ON s.id = t.supplier_id
            WHERE t.year = %s AND t.customer_id IN (
                SELECT enterprise_id FROM chains_chainmaster WHERE chain_id = %s)""",
                    [year, chain_id])
        local, total = cur.fetchone()
    completeness = sum(w for _i, w, covered in leaves if covered) / sum(w for _i, w, _c in leaves)
    return completeness, float(local) / float(total)


def test_it_computes_the_figures_by_the_definitions(world, chain_world):
    figures = chain_summary(world.chain_a)["figures"]
    assert figures["completeness"] == pytest.approx(3 / 5)  # 压缩机 (weight 2) uncovered
    assert figures["supporting_kind"] == "value"
    assert figures["supporting_rate"] == pytest.approx(800 / 1400)
    status = {g["name"]: g for g in figures["gaps"]["nodes"]}
    assert status["压缩机"]["status"] == "缺链"
    assert status["显示面板"]["status"] == "短板"  # output 50 < the master's 400
    assert status["电机"]["status"] == "强链"
    assert status["显示面板"]["single_point"] and status["压缩机"]["single_point"]
    assert (figures["missing"], figures["weak"], figures["covered"]) == (1, 1, 3)


def test_it_agrees_with_an_independent_sql_computation(world, chain_world):
    figures = chain_summary(world.chain_a)["figures"]
    completeness, rate = _sql_figures(world.chain_a.pk, 2024)
    assert figures["completeness"] == pytest.approx(completeness)
    assert figures["supporting_rate"] == pytest.approx(rate)


# The test world is tiny: bases of 100万 (town) and 5000万 (city) let its LQs through.
SMALL_BASES = {"lq_min_town_output": 1e6, "lq_min_city_output": 5e7}


@override_settings(LIANZHANG_GAP_SETTINGS=SMALL_BASES)
def test_it_gives_the_main_town_the_highest_location_quotient(world, chain_world):
    lqs = {i.town_id: i.lq for i in town_lqs().for_chain(world.chain_a.pk)}
    # 九龙 (5850 of 5850) / city (6050 of 7050) = 1.165; 胶西 (200 of 1200) = 0.194
    assert lqs[world.town_a.pk] == pytest.approx((5850 / 5850) / (6050 / 7050))
    assert lqs[world.town_b.pk] == pytest.approx((200 / 1200) / (6050 / 7050))


def test_it_renders_every_tab_with_its_definitions(world, chain_world):
    client = _client(world)
    url = reverse("dashboards:chain", args=[world.chain_a.pk])
    page = client.get(url).content.decode()
    assert "data-tree" in page and "60%" in page and "57%" in page
    assert "海尔" in page and "价值口径" in page or "value" in page
    assert "data-panorama" in client.get(url + "?tab=panorama&metric=output").content.decode()
    roadmap = client.get(url + "?tab=roadmap").content.decode()
    assert roadmap.index("压缩机") < roadmap.index("显示面板")  # core part first
    assert "data-innovation" in client.get(url + "?tab=innovation").content.decode()
    assert "data-lists" in client.get(url + "?tab=lists").content.decode()
    panel = client.get(reverse("dashboards:node_panel", args=[
        world.chain_a.pk, chain_world["nodes"]["显示面板"].pk])).content.decode()
    assert "短板" in panel and "青岛丙光电有限公司" in panel


def test_it_lists_common_parts_and_suppliers_of_two_masters_on_the_roadmap(world, chain_world):
    from lianzhang.chains.models import ChainMaster
    from lianzhang.enterprises.models import Enterprise, SupplyTie

    n, firms = chain_world["nodes"], chain_world["firms"]
    hisense = Enterprise.objects.create(name="海信家电集团股份有限公司", town=world.town_a)
    ChainMaster.objects.create(chain=world.chain_a, enterprise=hisense)
    SupplyTie.objects.create(supplier=firms["motor_a"], customer=hisense, node=n["电机"],
                             year=2024, annual_value=200)
    page = _client(world).get(reverse("dashboards:chain", args=[world.chain_a.pk])
                              + "?tab=roadmap").content.decode()
    parts = page.split("data-common-parts", 1)[1].split("</table>", 1)[0]
    suppliers = page.split("data-common-suppliers", 1)[1].split("</table>", 1)[0]
    # 电机 is bought by both masters (k = 2); 压缩机 and 显示面板 only by 海尔.
    assert "电机" in parts and "压缩机" not in parts and "显示面板" not in parts
    assert "≥ 2" in parts or "2 家" in parts
    assert "青岛甲电机有限公司" in suppliers and "青岛乙电机有限公司" not in suppliers


def test_it_says_so_when_a_chain_has_no_published_map(world, chain_world):
    from lianzhang.chains.models import Chain

    empty = Chain.objects.create(name="虚拟现实", code="virtual-reality")
    page = _client(world).get(reverse("dashboards:chain", args=[empty.pk]))
    assert page.status_code == 200 and b"data-no-map" in page.content


def test_it_exports_the_six_lists_and_node_table_with_chinese_text(world, chain_world):
    client = _client(world)
    book = load_workbook(io.BytesIO(client.get(reverse(
        "dashboards:lists_xlsx", args=[world.chain_a.pk])).content))
    assert book.sheetnames[:5] == ["重点事项", "重点园区", "重点企业", "重点项目", "重点创新平台"]
    assert "重点短板需求-技术" in book.sheetnames
    firms = [row[0].value for row in book["重点企业"].iter_rows(min_row=2)]
    assert "海尔智家股份有限公司" in firms
    nodes = load_workbook(io.BytesIO(client.get(reverse(
        "dashboards:nodes_xlsx", args=[world.chain_a.pk])).content)).active
    statuses = {r[0].value: r[3].value for r in nodes.iter_rows(min_row=2)}
    assert statuses["压缩机"] == "缺链"
    svg = client.get(reverse("dashboards:tree_svg", args=[world.chain_a.pk])).content.decode()
    assert svg.startswith("<svg") and "压缩机" in svg and "缺链" in svg
    png = client.get(reverse("dashboards:tree_png", args=[world.chain_a.pk]))
    assert png["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(png.content))
    assert image.format == "PNG" and image.width == 1800  # the 900-px SVG at twice the scale


def _render(text: str) -> bytes:
    import cairosvg

    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="30" '
           'font-family="Noto Sans CJK SC, sans-serif" font-size="20">'
           f'<rect width="120" height="30" fill="#fff"/><text x="4" y="22">{text}</text></svg>')
    return Image.open(io.BytesIO(cairosvg.svg2png(bytestring=svg.encode()))).convert("L").tobytes()


def test_it_renders_chinese_glyphs_not_boxes_in_png_exports():
    # Without a CJK font every character renders as the same "missing glyph" box, so two
    # different words of the same length would give identical pixels.
    assert _render("缺链") != _render("强链")
    assert _render("缺链") != _render("")


def test_it_snapshots_figures_and_shows_the_trend(world, chain_world):
    client = _client(world)
    client.post(reverse("dashboards:snapshot", args=[world.chain_a.pk]))
    snapshot = ChainSnapshot.objects.get(chain=world.chain_a)
    assert snapshot.figures["completeness"] == pytest.approx(0.6)
    assert _client(world, "readonly").post(
        reverse("dashboards:snapshot", args=[world.chain_a.pk])).status_code == 403
    assert "trend-dates" in client.get(reverse("dashboards:chain",
                                                args=[world.chain_a.pk])).content.decode()


def test_it_hides_other_chains_pages_from_a_chain_scoped_user(world, chain_world):
    client = _client(world, "leader_a")
    assert client.get(reverse("dashboards:chain", args=[world.chain_a.pk])).status_code == 200
    assert client.get(reverse("dashboards:chain", args=[world.chain_b.pk])).status_code == 404


def test_it_refuses_nonsense_thresholds_in_settings(world):
    with override_settings(LIANZHANG_GAP_SETTINGS={"auto_score_threshold": 3}):
        errors = [e for e in run_checks() if e.id == "lianzhang.E001"]
    assert errors and "auto_score_threshold" in errors[0].msg


def test_it_shows_towns_side_by_side_and_a_town_page(world, chain_world):
    client = _client(world)
    city = client.get(reverse("dashboards:city")).content.decode()
    assert "九龙街道" in city and "胶西街道" in city
    town = client.get(reverse("dashboards:town", args=[world.town_a.pk])).content.decode()
    assert "data-lq" in town and "电机" in town


def test_it_splits_a_firm_output_over_its_nodes_by_its_product_shares(world, chain_world):
    from lianzhang.enterprises.models import Product
    from lianzhang.mapping.models import NodeLink

    haier, nodes = chain_world["firms"]["haier"], chain_world["nodes"]
    NodeLink.objects.create(enterprise=haier, node=nodes["电机"])
    Product.objects.create(enterprise=haier, name="冰箱", revenue_share="0.70")
    Product.objects.create(enterprise=haier, name="变频电机", revenue_share="0.10")
    Product.objects.create(enterprise=haier, name="售后服务")  # no share: not used
    figures = chain_summary(world.chain_a)["figures"]
    output = {g["name"]: g["local_output"] for g in figures["gaps"]["nodes"]}
    # 海尔 5000万: 冰箱 70 % = 3500万 (not 2500 as an even split would give); 电机
    # 800 + 200 + 10 % of 5000 = 1500万; 20 % of its output is on no linked node.
    assert output["冰箱"] == pytest.approx(3500 * 10_000)
    page = _client(world).get(reverse("dashboards:chain", args=[world.chain_a.pk])).content.decode()
    assert re.search(r'data-figure="output">\s*0\.51\s*<', page)  # 0.5050亿, not a rounded "1"
    assert output["电机"] == pytest.approx(1500 * 10_000)
    assert figures["output"] == pytest.approx((3500 + 1500 + 50) * 10_000)


@override_settings(LIANZHANG_GAP_SETTINGS={"lq_min_town_output": 1e7, "lq_min_city_output": 5e7})
def test_it_withholds_a_location_quotient_on_a_small_base_and_shows_the_bases(world, chain_world):
    lqs = {i.town_id: i for i in town_lqs().for_chain(world.chain_a.pk)}
    # 胶西's 200万 in the chain is under the 1000万 minimum: no ratio, the reason says so.
    assert lqs[world.town_b.pk].lq is None and lqs[world.town_b.pk].small_sample
    assert lqs[world.town_b.pk].reason == "样本不足：镇街该链产出 200万，低于 1000万"
    assert lqs[world.town_a.pk].lq == pytest.approx((5850 / 5850) / (6050 / 7050))
    client = _client(world)
    town = client.get(reverse("dashboards:town", args=[world.town_b.pk])).content.decode()
    assert "样本不足" in town and "data-lq-value" not in town
    assert "镇街 0.02 / 全市 0.61，亿元" in town  # the bases beside the (missing) ratio
    city = client.get(reverse("dashboards:city")).content.decode()
    assert "1.17" in city and "镇街 0.59 / 全市 0.61，亿元" in city
    assert "镇街该链产出不低于 1000万、全市该链产出不低于 5000万" in city


def test_it_shows_no_data_not_zero_for_a_chain_whose_firms_reported_no_output(world, chain_world):
    from lianzhang.enterprises.models import SupplyTie, YearlyFigure

    linked = list(chain_world["firms"].values())
    YearlyFigure.objects.filter(enterprise__in=linked).delete()  # 戊's 2024 figure stays
    SupplyTie.objects.filter(customer__in=linked).delete()
    figures = chain_summary(world.chain_a)["figures"]
    assert figures["output"] is None and figures["supporting_rate"] is None
    page = _client(world).get(reverse("dashboards:chain", args=[world.chain_a.pk])).content.decode()
    for figure in ("supporting", "output"):  # the figure itself, not a 0 (亿元 / %)
        cell = re.search(rf'data-figure="{figure}">(.*?)</div>', page, re.S).group(1)
        assert "暂无数据" in cell and not re.search(r">\s*0\s*%?\s*<", cell)
    assert "链上 4 家本地企业均无产值数据" in page
    nodes = load_workbook(io.BytesIO(_client(world).get(reverse(
        "dashboards:nodes_xlsx", args=[world.chain_a.pk])).content)).active
    output = {r[0].value: r[6].value for r in nodes.iter_rows(min_row=2)}
    assert output["电机"] == "暂无数据" and output["压缩机"] == 0  # 缺链: no firm, a true 0
