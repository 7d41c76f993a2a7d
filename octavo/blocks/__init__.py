"""The block authors' API, kept where the second edition put it: a block kind and the context it reads YAML with."""

from octavo.source.blocks import ENTRY_POINT_GROUP, registry
from octavo.source.blocks.base import Block, BlockType, Context

__all__ = ["ENTRY_POINT_GROUP", "Block", "BlockType", "Context", "registry"]
