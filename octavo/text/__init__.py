"""Inline text features: markup, smart punctuation, formulas, citations, index terms, images, SVG."""
