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

from mlpbench.errors import UsageError
from mlpbench.output.messages import MESSAGES

LANGS = ("en", "ja")
_JAPANESE = "\u3040-\u30ff\u4e00-\u9fff"  # kana and kanji: Japanese sets no space between them
_BETWEEN_JAPANESE = re.compile(rf"(?<=[{_JAPANESE}])\s+(?=[{_JAPANESE}])")


class Texts:
    """``T(key, **fields)`` gives the sentence in the report's language."""

    def __init__(self, lang: str, python: bool = False) -> None:
        if lang not in LANGS:
            raise UsageError(f"lang={lang!r}: choose {' or '.join(repr(code) for code in LANGS)}")
        self.lang = lang
        self.python = python  # advice in the notebook API's words, not the command line's
        self._i = LANGS.index(lang)

    def __call__(self, key: str, **fields: Any) -> str:
        n = fields.get("n")
        if n == 1 and f"{key}.one" in MESSAGES:
            key = f"{key}.one"  # the singular form, where a message has one
        if self.python and f"{key}.api" in MESSAGES:
            key = f"{key}.api"  # "the same call", not "the same command", where the words differ
        template = MESSAGES[key][self._i]
        text = (as_python(template, template=True) if self.python else template).format(**fields)
        if self.lang == "ja":  # no space beside a full-width bracket, nor between two Japanese words
            text = re.sub(r"\s+([（「」）、。：])", r"\1", re.sub(r"([（「」）、。：])\s+", r"\1", text))
            text = _BETWEEN_JAPANESE.sub("", text)
        return text

    def cap(self, text: str) -> str:
        """A sentence that begins with a name ("the CPU: ...") begins with a capital in English."""
        return text[:1].upper() + text[1:] if self.lang == "en" else text

    def command(self, verb: str, **options: Any) -> str:
        """A command to run next, in the command line's words or the notebook API's: ``command("sweep",
        workload="my.py", vary={"n": [500, 2000]})`` is ``mlpbench sweep --workload my.py --vary n=500,2000``
        or ``mlpbench.sweep(workload="my.py", vary={"n": [500, 2000]})``."""
        if self.python:
            return f"mlpbench.{verb}({', '.join(self.option(k, v) for k, v in options.items())})"
        return " ".join(["mlpbench", verb, *(self.option(k, v) for k, v in options.items())])

    def option(self, name: str, value: Any) -> str:
        """One setting as it is given: ``--warm-runs 6`` on the command line, ``warm_runs=6`` in the API."""
        if self.python:
            return f"{name}={_python_value(value)}"
        return f"--{name.replace('_', '-')} {_cli_value(value)}"

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
        return "{" + ", ".join(f"{_string(k)}: [{', '.join(_number(v) for v in vs)}]" for k, vs in value.items()) + "}"
    if isinstance(value, (tuple, list)):
        return f"({', '.join(_number(v) for v in value)}{',' if len(value) == 1 else ''})"
    return _string(value) if isinstance(value, str) else _number(value)


def _string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a path in any script, as written: "…" is a Python literal too


def _number(value: Any) -> str:
    """Exactly the value, as short as it goes: 500.0 as 500, 3.14159265e-4 in full (``repr`` round-trips)."""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


# ----- the command line's advice in the notebook API's words ------------------------------------------------
_SWITCHES = ("resume", "largest-first")  # flags that take no value: True in the API
# A flag whose keyword has another name in bench and sweep, which take several devices and scripts.
ALIASES = {"device": "devices", "script": "scripts"}
_FIELD = r"\{\w+(?::[^{}]*)?\}"  # a template's field, filled in later with a number
_VALUE = (rf"\d+(?:,\d+)+(?![\w.-])|\d[\d.]*(?![\w-])|{_FIELD}"  # widths; a count, a size, seconds
          r"|(?:[a-z][\w:-]*(?:,[a-z][\w:-]*)+|all|cpu|cuda(?::\d+)?|builtin)(?![\w:-])"  # devices or backends; the built-in MLP
          r"|[\w./-]+\.py\b|FILE\b"  # a workload file
          r"|\w+=[\d.]+(?:,[\d.]+)*")  # --vary's NAME=V1,V2
_FLAG = re.compile(rf"(?<![\w./-])--(?P<name>[a-z][a-z-]*)(?: (?P<value>{_VALUE}))?")
_COMMAND = re.compile(rf"(?P<tick>`?)(?<![\w./-])mlpbench (?P<verb>bench|sweep|run)\b"
                      rf"(?P<args>(?: --[a-z][a-z-]*(?: (?:{_VALUE}))?)*)(?P=tick)")


def keyword(flag: str, value: str | None, aliases: dict[str, str], template: bool = False) -> str:
    """One flag as the API's keyword argument: ``--warm-runs 4`` -> ``warm_runs=4``, its value written as
    ``Texts.option`` writes one (``--hidden 100,50`` -> ``hidden=(100, 50)``)."""
    name = aliases.get(flag, flag).replace("-", "_")
    if flag in _SWITCHES:
        return f"{name}=True"
    if value is None:
        return name
    if re.fullmatch(rf"\d[\d.]*|{_FIELD}", value):  # a number, or a field to be filled with one
        return f"{name}={value}"
    if flag == "vary":
        field, values = value.split("=", 1)
        shown = _python_value({field: values.split(",")})
        return "vary=" + (shown.replace("{", "{{").replace("}", "}}") if template else shown)  # str.format's braces
    if re.fullmatch(r"\d+(?:,\d+)+", value):  # widths: a tuple
        return f"{name}={_python_value(tuple(value.split(',')))}"
    return f"{name}={_string('FILE.py' if value == 'FILE' else value)}"


def as_python(text: str, aliases: dict[str, str] = ALIASES, template: bool = False, keep: Iterable[str] = ()) -> str:
    """Advice in the notebook API's words: commands become calls, flags keyword arguments. A message is
    converted as written, before its fields are filled in, so that no file name or path is touched; a message
    already filled in (an error) names the user's own text in ``keep``, which stays as it is."""
    def command(m: re.Match[str]) -> str:  # a command's flags are its own call's keywords: run takes one device
        own = {} if m.group("verb") == "run" else ALIASES
        args = [keyword(f.group("name"), f.group("value"), own, template) for f in _FLAG.finditer(m.group("args"))]
        return f"`mlpbench.{m.group('verb')}({', '.join(args)})`"

    # held as a name that reads as a file, so that a flag's value (--script PATH) is still seen as one
    held = {f"mlpbench_kept_{i}_.py": k for i, k in enumerate(sorted({k for k in keep if len(k) > 1}, key=len,
                                                                      reverse=True))}
    for holder, kept in held.items():
        text = text.replace(kept, holder)
    text = _FLAG.sub(lambda f: keyword(f.group("name"), f.group("value"), aliases, template), _COMMAND.sub(command, text))
    for holder, kept in held.items():
        text = text.replace(holder, kept)
    return text
