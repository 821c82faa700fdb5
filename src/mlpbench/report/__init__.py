"""The one file with everything: ``write_report(document, path, lang)``, HTML or Markdown by suffix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mlpbench.errors import UsageError

FORMATS = (".html", ".md")


def build(document: dict[str, Any], lang: str = "en"):
    from mlpbench.report import content

    sweep_sections = None
    if document.get("sweep"):
        from mlpbench.report.sweep import sections as sweep_sections
    return content.build(document, lang, sweep_sections)


def write_report(document: dict[str, Any], path: str | Path, lang: str = "en") -> list[Path]:
    """Render ``document`` (a validated results document) to ``path``; returns the files written."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise UsageError(f"-o {path}: the report format follows the suffix; use .html or .md")
    report = build(document, lang)
    if suffix == ".html":
        from mlpbench.report import html

        return html.write(report, path)
    from mlpbench.report import markdown

    return markdown.write(report, path)
