"""The report as data: sections of blocks, rendered by ``markdown`` and ``html`` alike.

Every string in a block is plain text: renderers escape it for their format, so a hostile label
from a results file can never become markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mlpbench.output.tables import Table


@dataclass
class Paragraph:
    text: str
    emphasis: bool = False  # the verdict: shown prominently
    role: str = ""  # "why", "when": a part of the answer on the first screen


@dataclass
class Bullets:
    items: list[str]
    role: str = ""  # "not-done", "warnings"


@dataclass
class Links:
    """A list of (text, anchor, where) entries: what was asked and the section that answers it."""

    items: list[tuple[str, str, str]]


@dataclass
class TableBlock:
    table: Table


@dataclass
class Code:
    code: str
    language: str = ""
    title: str = ""


@dataclass
class Figure:
    name: str  # file-name stem for the Markdown's separate SVG file
    svg: str
    caption: str


Block = Paragraph | Bullets | Links | TableBlock | Code | Figure


@dataclass
class Section:
    title: str
    anchor: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Report:
    title: str
    lang: str
    subtitle: str
    sections: list[Section]
