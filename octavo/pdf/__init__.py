"""The print writer: HTML for print, floats, pieces and their join, finishing, prepress, preflight."""
