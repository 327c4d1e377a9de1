"""A node of a published map is a record: its page offers a new draft from the
version instead of 编辑, and its edit page refuses with the reason, writing nothing."""

from django.urls import reverse

from lianzhang.chains.models import ChainNode, MapVersion
from lianzhang.core.testing.helpers import Snapshot, client_for
from lianzhang.mapping.tests.helpers import publish_map


def test_it_offers_a_new_draft_instead_of_edit_on_a_published_node(world):
    version = publish_map(world.chain_a, {"压缩机": ["压缩机", "冰箱压缩机"]})
    node = version.nodes.get(name="压缩机")
    client = client_for(world, "secretariat")
    page = client.get(node.get_absolute_url()).content.decode()
    edit_url = reverse("chains:chainnode_edit", args=[node.pk])
    assert edit_url not in page
    assert reverse("chains:map_new_draft", args=[version.pk]) in page
    assert "基于此版本新建草稿" in page and "data-new-draft" in page

    snapshot = Snapshot(ChainNode, MapVersion)
    refused = client.get(edit_url, follow=True)
    assert "属于已发布的图谱版本，不能直接编辑" in refused.content.decode()
    response = client.post(edit_url, {"map": version.pk, "name": "改名", "segment": "upstream",
                                      "weight": "1"}, follow=True)
    assert "不能直接编辑" in response.content.decode()
    snapshot.assert_unchanged()
    assert ChainNode.objects.get(pk=node.pk).name == "压缩机"

    draft_page = client.post(reverse("chains:map_new_draft", args=[version.pk]), follow=True)
    draft = MapVersion.objects.get(chain=world.chain_a, status="draft")
    assert draft_page.status_code == 200 and draft.based_on == version
    copy = draft.nodes.get(name="压缩机")
    copy_page = client.get(copy.get_absolute_url()).content.decode()
    assert reverse("chains:chainnode_edit", args=[copy.pk]) in copy_page
    assert "data-new-draft" not in copy_page
