"""The report as GitHub-flavoured Markdown; plots become SVG files next to it."""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import quote

from mlpbench.output.report.model import Bullets, Code, Figure, Links, Paragraph, Report, TableBlock
from mlpbench.output.tables import Table


def text(value: str) -> str:
    """Plain text made inert in Markdown: HTML escaped, Markdown punctuation backslashed."""
    value = html.escape(value, quote=False)
    return re.sub(r"([\\`*_\[\]#|])", r"\\\1", value)


CODE_SPAN = re.compile(r"`([^`\n]+)`")


def prose(value: str) -> str:
    """A sentence: inert like ``text``, but a `command` in backticks stays a code span (its content is
    literal in Markdown, so it needs no escaping)."""
    parts = CODE_SPAN.split(value)
    return "".join(f"`{p}`" if i % 2 else text(p) for i, p in enumerate(parts))


def table(t: Table) -> str:
    lines = []
    if t.title:
        lines.append(f"**{text(t.title)}**\n")
    lines.append("| " + " | ".join(text(h) for h in t.headers) + " |")
    lines.append("|" + "|".join(":---" if i == 0 or t.text_columns else "---:" for i in range(len(t.headers))) + "|")
    lines += ["| " + " | ".join(text(c) for c in row) + " |" for row in t.rows]
    if t.caption:
        lines.append(f"\n*{text(t.caption)}*")
    return "\n".join(lines)


def code(c: Code) -> str:
    fence = "`" * max(3, max((len(m) for m in re.findall(r"`+", c.code)), default=0) + 1)
    title = f"**{text(c.title)}**\n\n" if c.title else ""
    return f"{title}{fence}{c.language}\n{c.code.rstrip()}\n{fence}"


def render(report: Report, figure_path) -> str:
    """``figure_path(name, svg)`` stores a plot and returns the relative link to it."""
    out = [f"# {text(report.title)}", "", f"*{text(report.subtitle)}*", ""]
    out.append(" · ".join(f"[{text(s.title)}](#{s.anchor})" for s in report.sections))
    for section in report.sections:
        out += ["", f'<a id="{section.anchor}"></a>', "", f"## {text(section.title)}", ""]
        for block in section.blocks:
            if isinstance(block, Paragraph):
                out.append(f"**{prose(block.text)}**" if block.emphasis else prose(block.text))
            elif isinstance(block, Bullets):
                out.append("\n".join(f"- {prose(item)}" for item in block.items))
            elif isinstance(block, Links):
                out.append("\n".join(f"{i}. {text(req)} — " + (f"[{text(where)}](#{anchor})" if anchor else prose(where))
                                     for i, (req, anchor, where) in enumerate(block.items, 1)))
            elif isinstance(block, TableBlock):
                out.append(table(block.table))
            elif isinstance(block, Code):
                out.append(code(block))
            elif isinstance(block, Figure):
                link = quote(figure_path(block.name, block.svg))  # any file name: spaces, brackets, non-ASCII
                out.append(f"![{text(block.caption)}](<{link}>)\n\n*{text(block.caption)}*")
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def write(report: Report, path: Path) -> list[Path]:
    from mlpbench.results.files import write_text_atomic

    written = [path]

    def store(name: str, svg: str) -> str:
        svg_path = path.with_name(f"{path.stem}-{name}.svg")
        write_text_atomic(svg_path, svg)
        written.append(svg_path)
        return svg_path.name

    text_ = render(report, store)

    write_text_atomic(path, text_)
    return written
