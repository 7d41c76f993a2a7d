"""The versions of what lays out octavo's PDFs: WeasyPrint, pydyf and the Pango library WeasyPrint opened."""

from __future__ import annotations

from octavo.pdf.engine.libraries import load_weasyprint


def versions() -> dict[str, str]:
    """WeasyPrint's, pydyf's and Pango's versions, for --verbose (WeasyPrint imported as octavo imports it)."""
    weasyprint = load_weasyprint()
    import pydyf

    found = {"WeasyPrint": weasyprint.__version__, "pydyf": pydyf.__version__}
    try:  # WeasyPrint's own `--info` reads it so; `pango_version()` is Pango's C function, 10000 a major version
        from weasyprint.text.ffi import pango

        number = int(pango.pango_version())
        found["Pango"] = f"{number // 10000}.{number // 100 % 100}.{number % 100}"
    except Exception as error:  # another WeasyPrint: the version is only said, never needed
        found["Pango"] = f"unknown ({type(error).__name__}: {error})"
    return found
