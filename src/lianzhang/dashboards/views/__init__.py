"""Dashboard pages: chain pages (六图六清单), town pages (属相图), the city page, and
the object types of the chain page's editable lists."""

from .chain import chain_page, node_panel
from .registrations import ChainSnapshotType, GapNeedType, KeyMatterType
from .towns import city_page, town_page

__all__ = ["ChainSnapshotType", "GapNeedType", "KeyMatterType", "chain_page", "city_page",
           "node_panel", "town_page"]
