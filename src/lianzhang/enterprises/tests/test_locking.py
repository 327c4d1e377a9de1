"""A merge decided on a stale page (the kept firm changed after the page was shown)
is refused with who changed it and a link; nothing is merged."""

from django.urls import reverse

from lianzhang.core.models import ObjectChange
from lianzhang.core.testing.helpers import Snapshot, client_for, requires_zh_catalogue
from lianzhang.enterprises.models import Enterprise

from .helpers import make_firm, uscc

pytestmark = requires_zh_catalogue


def test_it_refuses_a_merge_from_a_stale_page(world):
    keep = make_firm("青岛海岳精密机械有限公司", world.town_a)
    drop = make_firm("青岛海岳精密机械股份公司", world.town_a, uscc=uscc(9))
    client = client_for(world, "secretariat")
    url = f"/enterprises/enterprises/{keep.pk}/merge/"
    shown = client.get(url).context["form"]["revision"].value()
    other = Enterprise.objects.get(pk=keep.pk)
    other.address = "九龙街道新址"
    other.save()
    snapshot = Snapshot(Enterprise)
    response = client.post(url, {"other": drop.name, "confirm": "on", "revision": shown})
    assert response.status_code == 409
    change = ObjectChange.objects.for_object(other).first()
    assert reverse("core:change", args=[change.pk]) in response.content.decode()
    snapshot.assert_unchanged()
    assert Enterprise.objects.filter(pk=drop.pk).exists()
    again = client.post(url, {"other": drop.name, "confirm": "on",
                              "revision": response.context["form"]["revision"].value()})
    assert again.status_code == 302 and not Enterprise.objects.filter(pk=drop.pk).exists()
