"""The engine door: every use of WeasyPrint's, pydyf's and pyphen's internals, checked and scoped."""
