"""octavo: structured YAML articles -> print PDF and EPUB 3."""

__version__ = "0.1.0"
