"""The block authors' API for their YAML's shape, kept where the second edition put it."""

from octavo.source.shapes import Key, Shape, Value

__all__ = ["Key", "Shape", "Value"]
