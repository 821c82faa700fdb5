"""One message catalogue for every word mlpbench shows, in English and Japanese.

``MESSAGES`` (``output/messages/``, one module per part of the output, English and Japanese side by
side) maps a key to its (English, Japanese) template (``str.format`` fields); the report,
the terminal and the notebook API all ask ``Texts(lang)(key, **fields)``. Numbers, units, code and
file names are never translated. Caveats and notices are keyed by their code: ``caveat.<code>`` is
the sentence, ``advice.<code>`` what to do.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from mlpbench.output.messages import MESSAGES

LANGS = ("en", "ja")
_JAPANESE = "\u3040-\u30ff\u4e00-\u9fff"  # kana and kanji: Japanese sets no space between them
_BETWEEN_JAPANESE = re.compile(rf"(?<=[{_JAPANESE}])\s+(?=[{_JAPANESE}])")


class Texts:
    """``T(key, **fields)`` gives the sentence in the report's language."""

    def __init__(self, lang: str) -> None:
        if lang not in LANGS:
            raise ValueError(lang)
        self.lang = lang
        self._i = LANGS.index(lang)

    def __call__(self, key: str, **fields: Any) -> str:
        n = fields.get("n")
        if n == 1 and f"{key}.one" in MESSAGES:
            key = f"{key}.one"  # the singular form, where a message has one
        text = MESSAGES[key][self._i].format(**fields)
        if self.lang == "ja":  # no space beside a full-width bracket, nor between two Japanese words
            text = re.sub(r"\s+([（「」）、。：])", r"\1", re.sub(r"([（「」）、。：])\s+", r"\1", text))
            text = _BETWEEN_JAPANESE.sub("", text)
        return text

    def cap(self, text: str) -> str:
        """A sentence that begins with a name ("the CPU: ...") begins with a capital in English."""
        return text[:1].upper() + text[1:] if self.lang == "en" else text

    def has(self, key: str) -> bool:
        return key in MESSAGES

    def phase(self, name: str) -> str:
        """A phase in words ("device start-up", "デバイス初期化"); an unknown one as it is."""
        return self(f"phase.{name}") if self.has(f"phase.{name}") else name

    def join(self, items: Iterable[str]) -> str:
        return ("、" if self.lang == "ja" else ", ").join(items)

    def sentences(self, *parts: str) -> str:
        """Sentences run together: with a space in English, without one in Japanese."""
        return ("" if self.lang == "ja" else " ").join(p for p in parts if p)
