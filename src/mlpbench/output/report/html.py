"""The report as one self-contained HTML file: inline CSS and SVG, no scripts, no network.

A Content-Security-Policy forbids scripts and every external load, so even a label that slipped
through escaping could not run or fetch anything; every string is escaped regardless.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from mlpbench.output.report.model import Bullets, Code, Figure, Links, Paragraph, Report, TableBlock
from mlpbench.output.tables import Table

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
STYLE = Path(__file__).with_name("style.css")


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def prose(value: str) -> str:
    """A sentence, escaped, with a `command` in backticks set as code."""
    return re.sub(r"`([^`\n]+)`", r"<code>\1</code>", esc(value))


SHORT = 32  # a cell this short is kept on one line if it holds a value ("11.1 s [10.9 s, 11.3 s]", "p = 0.008") or names its row


def cell(value: object, tag: str = "td", label: bool = False) -> str:
    text = str(value)
    whole = len(text) <= SHORT and (label or any(c.isdigit() for c in text))
    return f'<{tag} class="nw">{esc(text)}</{tag}>' if whole else f"<{tag}>{esc(text)}</{tag}>"


def table(t: Table) -> str:
    head = "".join(cell(h, "th") for h in t.headers)
    body = "".join("<tr>" + "".join(cell(c, label=i == 0) for i, c in enumerate(row)) + "</tr>" for row in t.rows)
    caption = f"<caption>{esc(t.title)}</caption>" if t.title else ""
    note = f'<p class="table-note">{esc(t.caption)}</p>' if t.caption else ""
    cls = ' class="text"' if t.text_columns else ""
    return f'<div class="scroll"><table{cls}>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>{note}'


def render(report: Report) -> str:
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{esc(report.lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{esc(CSP)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(report.title)}</title>",
        f"<style>\n{STYLE.read_text(encoding='utf-8')}</style>",
        "</head>",
        "<body>",
        f"<header><h1>{esc(report.title)}</h1><p class=\"subtitle\">{esc(report.subtitle)}</p>",
        "<nav>" + "".join(f'<a href="#{esc(s.anchor)}">{esc(s.title)}</a>' for s in report.sections) + "</nav></header>",
        "<main>",
    ]
    for section in report.sections:
        parts.append(f'<section id="{esc(section.anchor)}"><h2>{esc(section.title)}</h2>')
        for block in section.blocks:
            if isinstance(block, Paragraph):
                cls = "verdict" if block.emphasis else block.role
                parts.append(f'<p class="{esc(cls)}">{prose(block.text)}</p>' if cls else f"<p>{prose(block.text)}</p>")
            elif isinstance(block, Bullets):
                cls = f' class="{esc(block.role)}"' if block.role else ""
                parts.append(f"<ul{cls}>" + "".join(f"<li>{prose(i)}</li>" for i in block.items) + "</ul>")
            elif isinstance(block, Links):
                parts.append('<ol class="requests">' + "".join(
                    f'<li>{esc(req)} — ' + (f'<a href="#{esc(anchor)}">{esc(where)}</a>' if anchor else prose(where)) + '</li>'
                    for req, anchor, where in block.items)
                    + "</ol>")
            elif isinstance(block, TableBlock):
                parts.append(table(block.table))
            elif isinstance(block, Code):
                title = f'<div class="code-title">{esc(block.title)}</div>' if block.title else ""
                parts.append(f"{title}<pre><code>{esc(block.code)}</code></pre>")
            elif isinstance(block, Figure):
                parts.append(f'<figure data-plot="{esc(block.name)}">{block.svg}<figcaption>{esc(block.caption)}</figcaption></figure>')
        parts.append("</section>")
    parts += ["</main>", "</body>", "</html>"]
    return "\n".join(parts) + "\n"


def write(report: Report, path: Path) -> list[Path]:
    from mlpbench.results.files import write_text_atomic

    write_text_atomic(path, render(report))
    return [path]
