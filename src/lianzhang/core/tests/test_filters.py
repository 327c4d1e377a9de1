"""List filters read as filters: an empty choice says 全部, and the yes/no filters work."""

from lianzhang.core.testing.helpers import client_for
from lianzhang.enterprises.models import Enterprise
from lianzhang.enterprises.tests.helpers import make_firm


def test_it_labels_unset_filters_all_and_filters_on_yes_and_no(world):
    client = client_for(world, "secretariat")
    page = client.get("/enterprises/enterprises/").content.decode()
    form = page.split('name="is_above_scale"', 1)[1].split("</select>", 1)[0]
    assert '<option value="unknown" selected>全部</option>' in form and "未知" not in form
    town = page.split('name="town"', 1)[1].split("</select>", 1)[0]
    assert '<option value="" selected>全部</option>' in town and "---------" not in town
    above = {make_firm("规上甲有限公司", world.town_a, is_above_scale=True).name}
    make_firm("小微乙有限公司", world.town_a)
    listed = client.get("/enterprises/enterprises/?is_above_scale=true&per_page=500").content.decode()
    assert all(name in listed for name in above)
    others = Enterprise.objects.filter(is_above_scale=False).values_list("name", flat=True)
    assert not any(f">{name}<" in listed for name in others)
