"""The EPUB writer and its cover."""
