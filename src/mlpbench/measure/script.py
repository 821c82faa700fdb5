"""A user's script benchmarked as it is: how it is started, and what its run tells afterwards.

Each cold trial starts ``script_boot.py`` (standard library only) on the script in a fresh
process. From its event times and the parent's spawn time come the phases:

  interpreter      spawn -> Python ready to run the script
  import_torch     the first ``import torch``
  cuda_init        CUDA's lazy initialisation (the context), when the script uses CUDA
  first_optimizer  the first torch.optim optimizer's construction (it imports torch._dynamo)
  rest             everything else up to the script's end: its data, model, training, evaluation
                   and printing, which cannot be told apart without editing the script
  total            spawn -> the script's end (the process's exit is in the outside ``wall``)

The figure the script prints about itself ("Total Execution Time: 3.18 seconds") is its
``seed_time``; its output is its log; losses printed in the seed's format are its losses.
"""

from __future__ import annotations

import hashlib
import re
import shlex
import sys
from pathlib import Path

from mlpbench.errors import UsageError
from mlpbench.results.model import Code, Memory, RunRecord, Target, device_printed
from mlpbench.workload.contract import read_source

BOOT = Path(__file__).with_name("script_boot.py")
ATTRIBUTED = ("import_torch", "cuda_init", "first_optimizer")
# A duration: a clock ("0:00:04.500004", as a timedelta prints; "1:05:02") or amounts with units ("850 ms", "3.2 s",
# "1m 23s", "2 min 5 sec", "1h 2m"; a bare "m" or "h" only inside such a compound, never "512 M").
_UNIT = r"(?:ms|milliseconds?|h|hrs?|hours?|m|mins?|minutes?|s|secs?|seconds?)"
_CLOCK = re.compile(r"(?<![\d.:/-])(\d+):([0-5]\d):([0-5]\d(?:\.\d+)?)(?![\d:])")
_AMOUNTS = re.compile(rf"(?:(?<![\w.,])\d+(?:\.\d+)?\s*{_UNIT}\b[\s,]*)+", re.IGNORECASE)
# A part of a run, not the run: an average, an estimate, a step's or an epoch's time, a numbered epoch or step.
_PART = re.compile(r"(?i)\b(?:per|avg|average|mean|eta|each|remaining|left|step time|epoch time|batch time)\b"
                   r"|\b(?:epoch|step|batch|iter|iteration)s?\b\s*[:#\[(]?\s*\d")
_PART_OF_TIME = re.compile(r"(?i)\b(?:per|avg|average|mean|eta|each|step|epoch|batch|iter|iteration)s?\b")
# In order of trust: the seed's line; lines that name a whole ("total", "elapsed", "Training took", "done in": the
# longest of them, as a run is no shorter than any of its parts); the last line naming a time, in no line about a
# step, an epoch or a batch ("time: 1.5 s"; a clock beside a date or "end" is a time of day). "Loading data took 1.2 s"
# names a part: a whole that took a time is the training, the run or the script.
SELF_REPORTED = (
    (re.compile(r"Total Execution Time:\s*"), None, True),
    (re.compile(r"(?i)\b(?:total|elapsed|wall|(?:done|finished|completed|trained|ran) in)\b|(?:^|\b(?:training|"
                r"train|run|script|program|job|everything|all|it|whole)\s+)took\b"), _PART, True),
    (re.compile(r"(?i)\btime\b"), _PART_OF_TIME, False),
)
# A line about a moment, not a span: a date, or "start", "end", "at", "now" (its clock is a time of day)
_MOMENT = re.compile(r"(?i)\d{4}-\d\d-\d\d|\d+/\d+/\d+|\b(?:start\w*|end\w*|at|now|current|clock|date)\b")
STEP_LINE = re.compile(r"^Step (\d+): Train Loss = ([-+0-9.einfa]+)\s*$")
MAX_LOG_LINES = 2000


def split(spec: str) -> tuple[str, list[str]]:
    """A --script as given: its file, and the arguments it is run with ("train.py --epochs 1", split as a
    shell would; a file whose name has spaces in it is taken whole)."""
    if Path(spec).is_file() or not spec.strip():
        return spec, []
    try:
        words = shlex.split(spec)
    except ValueError as err:
        raise UsageError(f"--script {spec}: cannot split it into a file and its arguments ({err})") from None
    return (words[0], words[1:]) if words else (spec, [])


def check_script(spec: str) -> str:
    """The script as given (its file and arguments), or one UsageError line on why it cannot be run."""
    read_source(split(spec)[0], "--script")
    return spec


def code_of(spec: str) -> Code:
    path = split(spec)[0]
    data = Path(path).read_bytes()
    return Code(name=Path(path).name, role="script", path=str(path), sha256=hashlib.sha256(data).hexdigest(),
                source=data.decode("utf-8", "replace"))


def argv(spec: str, sha256: str, events: Path) -> list[str]:
    path, args = split(spec)
    return [sys.executable, str(BOOT), str(events), sha256, str(path), *args]


def self_reported(stdout: str) -> float | None:
    """The time the script printed about itself, in seconds: the seed's line, else the longest of the lines
    that name a whole ("Done in 0.30 s", "elapsed: 0:01:05", "Training took 1m 23s"), else the last that names a
    time and is not a part of the run (an average step, an epoch, an estimate of what is left)."""
    lines = [line.strip() for line in stdout.splitlines()]
    for tier, (pattern, part, clocks) in enumerate(SELF_REPORTED):
        found = []
        for line in lines:
            match = pattern.search(line)
            if match is not None and (part is None or not part.search(line)):
                seconds = duration(line[match.end():], clocks or not _MOMENT.search(line))
                if seconds is not None:
                    found.append(seconds)
        if found:
            return max(found) if tier == 1 else found[-1]
    return None


def duration(text: str, clocks: bool = True) -> float | None:
    """The first duration in ``text``, in seconds (a clock only where ``clocks``)."""
    clock = _CLOCK.search(text) if clocks else None
    amounts = _AMOUNTS.search(text)
    if clock is not None and (amounts is None or clock.start() < amounts.start()):
        return int(clock.group(1)) * 3600.0 + int(clock.group(2)) * 60.0 + float(clock.group(3))
    if amounts is None:
        return None
    found = re.findall(rf"(\d+(?:\.\d+)?)\s*({_UNIT})\b", amounts.group(0), re.IGNORECASE)
    if len(found) == 1 and found[0][1].lower() in ("m", "h"):  # "512 M", "3 h" alone: not read as a duration
        return None
    return sum(float(value) * _unit_seconds(unit.lower()) for value, unit in found)


def _unit_seconds(unit: str) -> float:
    if unit == "ms" or unit.startswith("milli"):
        return 1e-3
    return 3600.0 if unit.startswith("h") else 60.0 if unit.startswith("m") else 1.0


def phases(events: dict[str, float], spawned_at: float) -> dict[str, float]:
    """Phases from the boot's event times (time.monotonic, shared by parent and child)."""
    out = {"interpreter": max(0.0, events["boot"] - spawned_at)}
    spans = []
    for name in ATTRIBUTED:
        begin, end = events.get(f"{name}_begin"), events.get(f"{name}_end")
        if begin is not None and end is not None and end >= begin:
            out[name] = end - begin
            spans.append((begin, end))
    end = events.get("script_end", max([events["boot"], *(e for _, e in spans)]))
    covered, reach = 0.0, events["boot"]
    for begin, stop in sorted(spans):  # the union of the attributed spans (they may nest)
        begin = max(begin, reach)
        if stop > begin:
            covered += stop - begin
            reach = stop
    out["rest"] = max(0.0, end - events["boot"] - covered)
    out["total"] = max(0.0, end - spawned_at)
    return out


def thread_env(threads: int | None) -> dict[str, str]:
    """``--threads`` for a script: the variables torch (OpenMP) and MKL size their pools from at start-up. A script
    that calls torch.set_num_threads keeps its own choice; its boot records the count it trained with."""
    return {} if threads is None else {"OMP_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads)}


def record(target: Target, events: dict[str, float], spawned_at: float, stdout: str) -> RunRecord:
    """What one run of a script tells: its phases, its own figure, its output and printed losses."""
    losses: dict[int, float | None] = {}
    for line in stdout.splitlines():
        match = STEP_LINE.match(line.strip())
        if match:
            try:
                value = float(match.group(2))
            except ValueError:
                continue
            losses[int(match.group(1))] = value if value == value and abs(value) != float("inf") else None
    status = "diverged" if any(v is None for v in losses.values()) else "ok"
    facts = {"device": device} if (device := device_used(events, stdout)) else {}
    peak = events.get("peak_rss_bytes")  # the script's own, where its boot could read it
    return RunRecord(target=target, config=None, status=status, phases=phases(events, spawned_at),
                     seed_time=self_reported(stdout), losses=losses, log=stdout.splitlines()[:MAX_LOG_LINES],
                     facts=facts, memory=Memory(peak_rss_bytes=int(peak)) if peak else None,
                     threads=int(events["threads"]) if events.get("threads") else None)


def device_used(events: dict[str, float], stdout: str) -> str | None:
    """The kind of device the script ran on: "cuda" when it started CUDA, else what it printed
    ("Using device: cpu"), else not known."""
    if "cuda_init_end" in events:
        return "cuda"
    return device_printed(stdout)
