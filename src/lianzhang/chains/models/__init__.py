"""Models of the chains app."""

from .chain import Chain, ChainMaster, ChainRole
from .maps import ChainNode, MapVersion, PublishedMapError

__all__ = ["Chain", "ChainMaster", "ChainNode", "ChainRole", "MapVersion", "PublishedMapError"]
