"""Models of the chains app."""

from .chain import Chain, ChainMaster, ChainRole
from .maps import LATEST_FIRST, ChainNode, MapVersion, PublishedMapError

__all__ = ["LATEST_FIRST", "Chain", "ChainMaster", "ChainNode", "ChainRole", "MapVersion", "PublishedMapError"]
