"""Object types of the core app (tags)."""

import django_tables2 as tables

from .api.serializers import ObjectSerializer
from .filtersets import BaseFilterSet
from .forms import ScopedModelForm
from .models import Tag
from .navigation import register_link
from .registry import ObjectType, register
from .tables import BaseTable

__all__ = ["TagType"]


class TagFilterSet(BaseFilterSet):
    """Search tags by name or slug."""

    search_fields = ("name", "slug")

    class Meta:
        model = Tag
        fields = ["q", "slug"]


class TagForm(ScopedModelForm):
    """Create, edit or import a tag."""

    class Meta:
        model = Tag
        fields = ["name", "slug", "color", "description"]


class TagTable(BaseTable):
    """Tag list columns."""

    name = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Tag
        fields = ("name", "slug", "color", "description")


class TagSerializer(ObjectSerializer):
    """A tag over the API."""

    class Meta:
        model = Tag
        fields = ["id", "display", "name", "slug", "color", "description"]


@register
class TagType(ObjectType):
    """Tags any primary object can carry."""

    model = Tag
    filterset = TagFilterSet
    table = TagTable
    form = TagForm
    serializer = TagSerializer
    natural_key = "slug"

register_link("system", 0, object_type="core.tag")
