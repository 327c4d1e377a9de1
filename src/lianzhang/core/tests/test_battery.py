"""The standard battery for tags."""

from lianzhang.core.models import Tag
from lianzhang.core.registrations import TagType
from lianzhang.core.testing.battery import ObjectBattery


class TestTagBattery(ObjectBattery):
    """Tags have no scope: every staff role reads them all; a secretariat scoped to a
    town and a chain cannot create city-wide tags (writes need a dimension in scope)."""

    object_type = TagType
    scoped_can_create = False

    def make(self, world, town, chain, n):
        return Tag.objects.create(name=f"标签{n}", slug=f"tag-{n}")

    def form_data(self, world, town, chain, n):
        return {"name": f"新标签{n}", "slug": f"new-tag-{n}", "color": "#206bc4",
                "description": ""}

    def api_data(self, world, town, chain, n):
        return self.form_data(world, town, chain, n)
