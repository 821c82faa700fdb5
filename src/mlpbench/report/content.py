"""What the report says, in order: summary, requests, configuration and code, logs, environment,
measurements, plots, conclusions, warnings. Format-neutral; see ``markdown`` and ``html``."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

from mlpbench import tables
from mlpbench.config import WorkloadConfig
from mlpbench.console import format_seconds
from mlpbench.report import conclusions, plots
from mlpbench.report.facts import extract
from mlpbench.report.i18n import Texts
from mlpbench.report.model import Bullets, Code, Figure, Links, Paragraph, Report, Section, TableBlock
from mlpbench.tables import Table

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
REQUEST_ANSWERS = (("req.1", "code", "req.where.code"), ("req.2", "code", "req.where.code"),
                   ("req.3", "logs", "req.where.logs"), ("req.4", "results", "req.where.results"),
                   ("req.5", "conclusions", "req.where.conclusions"), ("req.6", "summary", "req.where.file"))


def build(doc: dict[str, Any], lang: str = "en", sweep_sections=None) -> Report:
    T = Texts(lang)
    facts = extract(doc)
    env = doc.get("env", {})
    hardware = env.get("cpu", "?")
    if env.get("gpus"):
        hardware += ", " + ", ".join(str(g.get("name")) for g in env["gpus"])
    subtitle = T("subtitle", host=env.get("hostname", "?"), hardware=hardware, date=env.get("date", "?"),
                 version=env.get("mlpbench", "?"), commit=env.get("git_commit") or "?")
    if doc.get("kind") == "sweep" and doc.get("sweep"):
        from mlpbench.report.sweep import findings

        summary = [T("summary.sweep", parameter=doc["sweep"].get("parameter", "?")), *findings(doc, T)]
    else:
        summary = conclusions.summary(facts, T, doc)
    sections = [
        Section(T("sec.summary"), "summary", [Paragraph(s, emphasis=True) for s in summary]),
        requests_section(T),
        config_section(doc, T),
        logs_section(doc, T),
        env_section(env, T),
    ]
    if any(m["mode"] in ("cold", "warm") for m in doc.get("measurements", [])) or not doc.get("sweep"):
        sections.append(results_section(doc, T))
    if sweep_sections:
        sections += sweep_sections(doc, T)
    sections += [
        plots_section(doc, T),
        Section(T("sec.conclusions"), "conclusions", [Paragraph(s) for s in conclusions.conclusions(facts, doc, T)]),
        warnings_section(doc, T),
    ]
    return Report(T("title"), lang, subtitle, sections)


def requests_section(T: Texts) -> Section:
    return Section(T("sec.requests"), "requests", [Links([(T(req), anchor, T(where)) for req, anchor, where in REQUEST_ANSWERS])])


def _source(path: Path, T: Texts) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return T("code.missing")


def config_section(doc: dict[str, Any], T: Texts) -> Section:
    config = WorkloadConfig.from_dict(doc["config"])
    rows = [[name, str(value)] for name, value in config.to_dict().items()]
    rows += [[T("config.rows"), f"{config.n_train} / {config.n_test}"],
             [T("config.params"), f"{config.parameter_count:,}"],
             [T("config.flops"), f"{config.train_flops_per_step() / 1e6:.2f} MFLOP"]]
    from mlpbench.backends.eager import EagerTrainer

    blocks = [
        Paragraph(T("config.intro", describe=describe(config, T))),
        TableBlock(Table("", [T("config.field"), T("config.value")], rows, text_columns=True)),
        Code(_source(EXAMPLES / "three_layer_nn_pytorch.py", T), "python", T("code.cpu")),
        Code(_source(EXAMPLES / "three_layer_nn_pytorch_cuda.py", T), "python", T("code.cuda")),
        Code(inspect.getsource(EagerTrainer.train), "python", T("code.loop")),
    ]
    return Section(T("sec.config"), "code", blocks)


def describe(config: WorkloadConfig, T: Texts) -> str:
    batch = T("config.full_batch") if config.batch_size is None else T("config.batch", size=config.batch_size)
    return T("config.describe", n=config.n, train=config.n_train, test=config.n_test,
             layers="→".join(map(str, config.layer_sizes)), steps=config.steps, lr=f"{config.lr:g}", batch=batch,
             seed=config.seed, precision=config.precision)


def logs_section(doc: dict[str, Any], T: Texts) -> Section:
    runs = doc.get("runs", {})
    if not runs:
        return Section(T("sec.logs"), "logs", [Paragraph(T("logs.none"))])
    blocks: list = [Paragraph(T("logs.intro"))]
    for key, run in runs.items():
        blocks.append(Code("\n".join(str(line) for line in run.get("log", [])), "text", str(key)))
    return Section(T("sec.logs"), "logs", blocks)


def env_section(env: dict[str, Any], T: Texts) -> Section:
    def gib(n: Any) -> str:
        return f"{n / 2**30:.1f} GiB" if isinstance(n, (int, float)) else "?"

    gpus = "; ".join(f"{g.get('name')} ({gib(g.get('memory_bytes'))}, sm {g.get('capability')}, "
                     f"{g.get('multiprocessors')} SMs)" for g in env.get("gpus", [])) or T("env.none")
    resolution = env.get("timer_resolution_s")
    rows = [
        (T("env.date"), env.get("date")), (T("env.host"), env.get("hostname")), (T("env.os"), env.get("os")),
        (T("env.python"), env.get("python")), (T("env.cpu"), env.get("cpu")),
        (T("env.cores"), f"{env.get('cpu_count')} ({env.get('cpu_usable')})"), (T("env.threads"), env.get("torch_threads")),
        (T("env.memory"), gib(env.get("memory_bytes"))), (T("env.torch"), env.get("torch")),
        (T("env.cuda"), env.get("torch_cuda") or T("env.none")), (T("env.cudnn"), env.get("cudnn") or T("env.none")),
        (T("env.blas"), env.get("blas")), (T("env.capability"), env.get("cpu_capability")),
        (T("env.gpu"), gpus), (T("env.driver"), env.get("cuda_driver") or T("env.none")),
        (T("env.timer"), f"{env.get('timer')} ({format_seconds(resolution) if isinstance(resolution, (int, float)) else '?'})"),
        (T("env.commit"), env.get("git_commit") or "?"), (T("env.argv"), " ".join(map(str, env.get("argv", [])))),
    ]
    return Section(T("sec.env"), "env", [TableBlock(Table("", [T("env.key"), T("env.value")], [[str(k), str(v)] for k, v in rows],
                                                               text_columns=True))])


def results_section(doc: dict[str, Any], T: Texts) -> Section:
    blocks: list = [Paragraph(T("results.intro"))]
    if doc.get("interrupted"):
        blocks.append(Paragraph(T("results.incomplete", how=doc["interrupted"])))
    unavailable = tables.unavailable_lines(doc)
    if unavailable:
        blocks += [Paragraph(T("results.unavailable")), Bullets(unavailable)]
    failed = [t for t in doc.get("trials", []) + doc.get("warm", []) if t.get("status") != "ok"]
    if failed:
        blocks.append(Paragraph(T("results.failed", n=len(failed))))
    for make in (tables.cold_table, tables.phase_table, tables.warm_table, tables.comparison_table, tables.scaling_table):
        table = make(doc, T.label)
        if table.rows:
            blocks.append(TableBlock(table))
    return Section(T("sec.results"), "results", blocks)


def plots_section(doc: dict[str, Any], T: Texts) -> Section:
    blocks: list = []
    for name, make, caption in (("phases", plots.phases, "plot.phases"), ("trials", plots.trials, "plot.trials"),
                                ("loss", plots.losses, "plot.loss"), ("scaling", plots.scaling, "plot.scaling")):
        svg = make(doc, T)
        if svg:
            blocks.append(Figure(name, svg, T(caption)))
    if not blocks:
        blocks.append(Paragraph(T("plot.none")))
    return Section(T("sec.plots"), "plots", blocks)


def warnings_section(doc: dict[str, Any], T: Texts) -> Section:
    items = [T("warn.line", target=f"{w['device']}/{w['backend']}", mode=T.label(w["mode"]), phases=w["phase"],
               message=w["message"], advice=w["advice"]) for w in doc.get("warnings", [])]
    return Section(T("sec.warnings"), "warnings", [Bullets(items)] if items else [Paragraph(T("warn.none"))])
