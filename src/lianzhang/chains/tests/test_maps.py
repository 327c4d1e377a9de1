"""Chain maps (issue 3): bad uploads are refused with the row and reason and write
nothing; published versions are frozen on every path (model, form, API, delete) while a
new draft can be made; versions are published 1.0 → 2.0 and compared in the UI; exports
re-import unchanged."""

import pytest
import yaml

from chainkit import chainmap as ck
from lianzhang.chains.models import ChainNode, MapVersion, PublishedMapError
from lianzhang.chains.services import load_into_draft, publish, to_chainmap
from lianzhang.core.testing.helpers import (
    Snapshot,
    api_for,
    client_for,
    csv_bytes,
    upload,
    xlsx_bytes,
)

HEADER = ["路径", "环节", "关键词", "行业代码", "核心零部件"]
MAP_V1 = [
    ["上游", "上游", "", "", ""],
    ["上游/核心零部件", "", "", "", ""],
    ["上游/核心零部件/压缩机", "", "冰箱压缩机|空调压缩机", "3442", "是"],
    ["上游/核心零部件/电机", "", "变频电机", "3813", "是"],
    ["上游/核心零部件/控制芯片", "", "主控芯片", "3973", "是"],
    ["上游/材料", "", "", "", ""],
    ["上游/材料/钣金", "", "冷轧板", "3130", ""],
    ["上游/材料/发泡材料", "", "聚氨酯", "2651", ""],
    ["中游", "中游", "", "", ""],
    ["中游/冰箱", "", "冰箱|冰柜", "3851", ""],
    ["下游", "下游", "", "", ""],
    ["下游/销售渠道", "", "", "", ""],
]


def v2_rows():
    """Version 2: 控制芯片 renamed 主控板, 发泡材料 moved under 核心零部件, 钣金 removed,
    传感器 added."""
    rows = [r for r in MAP_V1 if r[0] not in ("上游/材料/钣金", "上游/材料/发泡材料")]
    rows = [["上游/核心零部件/主控板", *r[1:]] if r[0].endswith("控制芯片") else r for r in rows]
    return [*rows, ["上游/核心零部件/发泡材料", "", "聚氨酯", "2651", ""],
            ["上游/核心零部件/传感器", "", "温度传感器", "3983", "是"]]


@pytest.fixture
def secretariat(world):
    return client_for(world, "secretariat")


def upload_map(client, chain, data, name):
    return client.post(f"/chains/chains/{chain.pk}/map/upload/", {"file": upload(data, name)})


def published(chain):
    draft = load_into_draft(chain, ck.from_rows(
        [dict(zip(HEADER, r, strict=True)) for r in MAP_V1], name=chain.name, code=chain.code))
    return publish(draft, None)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_it_refuses_a_node_whose_parent_does_not_exist(world, secretariat, fmt):
    rows = [r for r in MAP_V1 if r[0] != "上游/核心零部件"]  # its children stay
    data = csv_bytes(HEADER, rows) if fmt == "csv" else xlsx_bytes(HEADER, rows)
    snap = Snapshot(MapVersion, ChainNode)
    response = upload_map(secretariat, world.chain_a, data, f"map.{fmt}")
    assert response.status_code == 400
    errors = response.context["errors"]
    assert "第3行 路径: 上级节点“上游/核心零部件”不存在" in errors
    snap.assert_unchanged()


def test_it_refuses_a_cycle_in_an_id_row_map(world, secretariat):
    rows = [["1", "", "上游", "上游"], ["2", "1", "核心零部件", ""], ["3", "5", "压缩机", ""],
            ["4", "", "中游", "中游"], ["5", "3", "电机", ""]]
    snap = Snapshot(MapVersion, ChainNode)
    response = upload_map(secretariat, world.chain_a,
                          csv_bytes(["编号", "上级编号", "节点", "环节"], rows), "map.csv")
    assert response.status_code == 400
    assert any("上级关系形成循环" in e and "3 → 5 → 3" in e for e in response.context["errors"])
    snap.assert_unchanged()


def test_it_loads_a_valid_id_row_map(world, secretariat):
    rows = [["1", "", "上游", "上游"], ["2", "1", "核心零部件", ""], ["3", "2", "压缩机", ""]]
    response = upload_map(secretariat, world.chain_a,
                          csv_bytes(["编号", "上级编号", "节点", "环节"], rows), "map.csv")
    assert response.status_code == 302
    draft = world.chain_a.maps.get(status="draft")
    assert sorted(n.path() for n in draft.nodes.all()) == [
        "上游", "上游/核心零部件", "上游/核心零部件/压缩机"]


def test_it_refuses_every_in_place_edit_of_a_published_version(world, secretariat):
    version = published(world.chain_a)
    node = version.nodes.get(name="压缩机")
    snap = Snapshot(MapVersion, ChainNode)
    version.note = "改一下"
    with pytest.raises(PublishedMapError):
        version.save()
    node.name = "压缩机总成"
    with pytest.raises(PublishedMapError):
        node.save()
    with pytest.raises(PublishedMapError):
        ChainNode(map=version, name="新节点", segment="upstream").save()
    message = "create a draft"
    response = secretariat.post(f"/chains/chainnodes/{node.pk}/edit/", {
        "map": version.pk, "name": "压缩机总成", "segment": "upstream", "weight": 1},
        follow=True)  # back to the node's page, saying why and offering a new draft
    assert any("不能直接编辑" in str(m) for m in response.context["messages"])
    api = api_for(world, "secretariat")
    response = api.patch(f"/api/chains/chainnodes/{node.pk}/", {"name": "压缩机总成"},
                         format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and message in str(response.json())
    response = api.patch(f"/api/chains/mapversions/{version.pk}/", {"note": "改"},
                         format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and message in str(response.json())
    response = secretariat.post(f"/chains/chainnodes/{node.pk}/delete/", follow=True)
    assert ChainNode.objects.filter(pk=node.pk).exists()
    assert any("草稿" in str(m) or message in str(m) for m in response.context["messages"])
    response = api.delete(f"/api/chains/chainnodes/{node.pk}/")
    assert response.status_code == 400
    snap.assert_unchanged()
    # The way to change it: a draft copying the version (same stable keys).
    response = secretariat.post(f"/chains/mapversions/{version.pk}/draft/")
    assert response.status_code == 302
    draft = world.chain_a.maps.get(status="draft")
    assert draft.based_on == version and draft.nodes.count() == version.nodes.count()
    copy = draft.nodes.get(name="压缩机")
    assert copy.key == node.key
    response = api.patch(f"/api/chains/chainnodes/{copy.pk}/", {"name": "压缩机总成"},
                         format="json")
    assert response.status_code == 200
    # … and a node cannot be moved out of the published version into the draft either.
    other = version.nodes.get(name="电机")
    other.map = draft
    with pytest.raises(PublishedMapError):
        other.save()


def test_it_versions_and_compares_maps_in_the_ui(world, secretariat):
    chain = world.chain_a
    assert upload_map(secretariat, chain, csv_bytes(HEADER, MAP_V1), "v1.csv").status_code == 302
    draft = chain.maps.get(status="draft")
    assert secretariat.post(f"/chains/mapversions/{draft.pk}/publish/").status_code == 302
    v1 = MapVersion.objects.get(pk=draft.pk)
    assert v1.version == "1.0" and v1.published_by == world.user("secretariat")
    secretariat.post(f"/chains/mapversions/{v1.pk}/draft/")
    response = upload_map(secretariat, chain, xlsx_bytes(HEADER, v2_rows()), "v2.xlsx")
    assert response.status_code == 302
    draft = chain.maps.get(status="draft")
    secretariat.post(f"/chains/mapversions/{draft.pk}/publish/")
    v2 = MapVersion.objects.get(pk=draft.pk)
    assert v2.version == "2.0"
    response = secretariat.get(f"/chains/chains/{chain.pk}/map/compare/",
                               {"a": v1.pk, "b": v2.pk})
    assert response.status_code == 200
    diff = response.context["diff"]
    assert [n["path"] for n in diff["added"]] == ["上游/核心零部件/传感器"]
    assert [n["path"] for n in diff["removed"]] == ["上游/材料/钣金"]
    assert [(n["old_path"], n["name"]) for n in diff["renamed"]] == [
        ("上游/核心零部件/控制芯片", "主控板")]
    assert [(n["old_path"], n["path"]) for n in diff["moved"]] == [
        ("上游/材料/发泡材料", "上游/核心零部件/发泡材料")]
    html = response.content.decode()
    for text in ("+ 上游/核心零部件/传感器", "− 上游/材料/钣金", "上游/核心零部件/控制芯片 → 主控板",
                 "上游/材料/发泡材料 → 上游/核心零部件/发泡材料"):
        assert text in html


@pytest.mark.parametrize("fmt", ["xlsx", "yaml"])
def test_it_round_trips_an_export(world, secretariat, fmt):
    chain = world.chain_a
    version = published(chain)
    response = secretariat.get(f"/chains/mapversions/{version.pk}/export/", {"format": fmt})
    assert response.status_code == 200
    if fmt == "yaml":
        assert yaml.safe_load(response.content.decode())["name"] == chain.name
    secretariat.post(f"/chains/mapversions/{version.pk}/draft/")
    response = upload_map(secretariat, chain, response.content, f"export.{fmt}")
    assert response.status_code == 302
    draft = chain.maps.get(status="draft")
    before, after = to_chainmap(version), to_chainmap(draft)
    assert after.nodes == before.nodes
    assert not any(ck.diff(before, after)[k] for k in ("added", "removed", "renamed", "moved",
                                                       "changed"))
