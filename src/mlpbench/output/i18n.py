"""One message catalogue for every word mlpbench shows, in English and Japanese.

``MESSAGES`` (``output/messages/``, one module per part of the output, English and Japanese side by
side) maps a key to its (English, Japanese) template (``str.format`` fields); the report,
the terminal and the notebook API all ask ``Texts(lang)(key, **fields)``. Numbers, units, code and
file names are never translated. Caveats and notices are keyed by their code: ``caveat.<code>`` is
the sentence, ``advice.<code>`` what to do.

Advice names the command line's flags (``--warm-runs 4``); ``Texts(lang, python=True)`` gives the
notebook API's words for them instead (``warm_runs=4``, ``mlpbench.sweep(vary={"n": [...]})``): each
flag is the keyword of the same name (tests check every flag in the catalogue against the API).
"""

from __future__ import annotations

import json
import re
import shlex
from typing import Any, Iterable

from mlpbench.output.messages import MESSAGES

LANGS = ("en", "ja")
_JAPANESE = "\u3040-\u30ff\u4e00-\u9fff"  # kana and kanji: Japanese sets no space between them
_BETWEEN_JAPANESE = re.compile(rf"(?<=[{_JAPANESE}])\s+(?=[{_JAPANESE}])")


class Texts:
    """``T(key, **fields)`` gives the sentence in the report's language."""

    def __init__(self, lang: str, python: bool = False) -> None:
        if lang not in LANGS:
            raise ValueError(lang)
        self.lang = lang
        self.python = python  # advice in the notebook API's words, not the command line's
        self._i = LANGS.index(lang)

    def __call__(self, key: str, **fields: Any) -> str:
        n = fields.get("n")
        if n == 1 and f"{key}.one" in MESSAGES:
            key = f"{key}.one"  # the singular form, where a message has one
        text = MESSAGES[key][self._i].format(**fields)
        if self.lang == "ja":  # no space beside a full-width bracket, nor between two Japanese words
            text = re.sub(r"\s+([（「」）、。：])", r"\1", re.sub(r"([（「」）、。：])\s+", r"\1", text))
            text = _BETWEEN_JAPANESE.sub("", text)
        return as_python(text) if self.python else text

    def cap(self, text: str) -> str:
        """A sentence that begins with a name ("the CPU: ...") begins with a capital in English."""
        return text[:1].upper() + text[1:] if self.lang == "en" else text

    def command(self, verb: str, **options: Any) -> str:
        """A command to run next, in the command line's words or the notebook API's: ``command("sweep",
        workload="my.py", vary={"n": [500, 2000]})`` is ``mlpbench sweep --workload my.py --vary n=500,2000``
        or ``mlpbench.sweep(workload="my.py", vary={"n": [500, 2000]})``."""
        if self.python:
            return f"mlpbench.{verb}({', '.join(f'{k}={_python_value(v)}' for k, v in options.items())})"
        return " ".join(["mlpbench", verb, *(f"--{k.replace('_', '-')} {_cli_value(v)}" for k, v in options.items())])

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


def _cli_value(value: Any) -> str:
    if isinstance(value, dict):  # --vary NAME=V1,V2
        return " ".join(f"{k}={','.join(_number(v) for v in vs)}" for k, vs in value.items())
    if isinstance(value, (tuple, list)):
        return ",".join(_number(v) for v in value)
    return shlex.quote(value) if isinstance(value, str) else _number(value)


def _python_value(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)}: [{', '.join(_number(v) for v in vs)}]" for k, vs in value.items()) + "}"
    if isinstance(value, (tuple, list)):
        return f"({', '.join(_number(v) for v in value)}{',' if len(value) == 1 else ''})"
    return json.dumps(value) if isinstance(value, str) else _number(value)


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


# ----- the command line's advice in the notebook API's words ------------------------------------------------
_SWITCHES = ("resume", "largest-first")  # flags that take no value: True in the API
_VALUE = (r"\d[\d.]*(?![\w-])"  # a count, a size, seconds
          r"|[a-z][\w:-]*(?:,[a-z][\w:-]*)+|all\b|cpu\b|cuda\b"  # devices or backends
          r"|[\w./-]+\.py\b|FILE\b"  # a workload file
          r"|\w+=[\d.]+(?:,[\d.]+)*")  # --vary's NAME=V1,V2
_FLAG = re.compile(rf"--(?P<name>[a-z][a-z-]*)(?: (?P<value>{_VALUE}))?")
_COMMAND = re.compile(rf"(?P<tick>`?)mlpbench (?P<verb>bench|sweep|run)(?P<args>(?: --[a-z][a-z-]*(?: (?:{_VALUE}))?)*)(?P=tick)")


def keyword(flag: str, value: str | None) -> str:
    """One flag as the API's keyword argument: ``--warm-runs 4`` -> ``warm_runs=4``."""
    name = flag.replace("-", "_")
    if flag in _SWITCHES:
        return f"{name}=True"
    if value is None:
        return name
    if flag == "vary":
        field, values = value.split("=", 1)
        return f'vary={{"{field}": [{", ".join(values.split(","))}]}}'
    if re.fullmatch(r"\d[\d.]*", value):
        return f"{name}={value}"
    return f'{name}="{value}.py"' if value == "FILE" else f'{name}="{value}"'


def _command(m: re.Match[str]) -> str:
    args = [keyword(f.group("name"), f.group("value")) for f in _FLAG.finditer(m.group("args"))]
    return f"`mlpbench.{m.group('verb')}({', '.join(args)})`"


def as_python(text: str) -> str:
    """Advice in the notebook API's words: commands become calls, flags keyword arguments."""
    text = _COMMAND.sub(_command, text)
    return _FLAG.sub(lambda f: keyword(f.group("name"), f.group("value")), text)
