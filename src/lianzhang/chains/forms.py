"""Forms for chains."""

from lianzhang.core.forms import ScopedModelForm

from .models import Chain

__all__ = ["ChainForm"]


class ChainForm(ScopedModelForm):
    """Create, edit or import a chain."""

    header_aliases = {"产业链": "name", "链名称": "name", "产业链代码": "code"}

    class Meta:
        model = Chain
        fields = ["name", "code", "category", "description"]
