"""octavo: structured YAML articles -> print PDF and EPUB 3."""

# The one version number: pyproject.toml reads it when the package is built, `octavo --version` prints it, the
# projects `octavo new` writes pin it in their requirements.txt, and the tag v<version> publishes it
# (docs/maintainers.md).
__version__ = "0.3.0"
