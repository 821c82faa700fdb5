"""What the report says, in order: the answer first (verdict, why, when, what was not done, one
chart), the user's requests, the configuration and the code that ran (the copy kept in the results
file), logs, environment, measurements, sweep, plots, conclusions, warnings. Format-neutral: see
``markdown`` and ``html``."""

from __future__ import annotations

import shlex
from pathlib import PurePath

from mlpbench.output import tables
from mlpbench.output.i18n import Texts
from mlpbench.output.report import conclusions, plots
from mlpbench.output.report.model import Bullets, Code, Figure, Links, Paragraph, Report, Section, TableBlock
from mlpbench.output.report.verdict import first_screen, pair, timed_scripts
from mlpbench.output.tables import Table
from mlpbench.output.units import format_bytes, format_number, format_percent, format_seconds
from mlpbench.output.words import Namer, advice, gpu_name, once_each
from mlpbench.results.analysis import Analysis
from mlpbench.results.checks import SCALE_FLOOR
from mlpbench.results.model import Results, SweepPlan
from mlpbench.workload.config import SEED_SCRIPTS

REQUEST_ANSWERS = (("req.1", "code", "req.where.code"), ("req.2", "code", "req.where.code"),
                   ("req.3", "logs", "req.where.logs"), ("req.4", "results", "req.where.results"),
                   ("req.5", "conclusions", "req.where.conclusions"), ("req.6", "summary", "req.where.file"))
CODE_ORDER = ("script", "user script", "workload", "loop")


def _jobs_ran(results: Results) -> bool:
    return any(not t.target.is_script and t.status == "ok" for t in results.targets)


def compared(a: Analysis) -> bool:
    """Whether two execution times were compared here: the CPU against a GPU, or the user's two scripts."""
    cpu, gpu = pair(a)
    return (cpu is not None and gpu is not None) or len(timed_scripts(a)) == 2


def about_the_seed(results: Results) -> bool:
    """Whether this run answers the seed's user: the built-in job ran, or their own two scripts did
    (not a user's own script alone, which the seed's requests and code say nothing about)."""
    scripts = [PurePath(t.target.script or "").name for t in results.targets if t.target.is_script]
    return results.config.is_builtin and (_jobs_ran(results) or bool(scripts) and set(scripts) <= set(SEED_SCRIPTS))


def request_answers(results: Results, T: Texts, a: Analysis | None = None) -> list[tuple[str, str, str]]:
    """Each of the user's requests with the section that answers it here; the two about their scripts
    point to no section where this run did not run them (a sweep's figures are in its own section)."""
    ran_scripts = any(t.target.is_script for t in results.targets)
    out = []
    for req, anchor, where in REQUEST_ANSWERS:
        if req in ("req.3", "req.4") and not ran_scripts:
            out.append((T(req), "", T("req.where.not_here")))
            continue
        if req == "req.5" and a is not None and results.kind == "bench" and not compared(a):
            out.append((T(req), "conclusions", T("req.where.one_device")))
            continue
        if anchor == "results" and results.kind == "sweep":
            anchor, where = "sweep", "req.where.sweep"
        out.append((T(req), anchor, T(where)))
    return out


def build(results: Results, lang: str = "en", analysis: Analysis | None = None, python: bool = False) -> Report:
    T = Texts(lang, python)
    a = analysis if analysis is not None and analysis.results is results else Analysis(results)
    env = results.env
    hardware = T.join(x for x in (env.cpu, gpu_name(env)) if x) or T("env.unknown")
    since = results.resumed.since if results.resumed else None  # a resumed sweep: measured across sessions
    subtitle = T("subtitle.resumed" if since else "subtitle", host=env.hostname or T("env.unknown"), hardware=hardware,
                 date=env.date or T("env.unknown"), since=since, version=env.mlpbench or "?",
                 commit=env.git_commit or T("env.no_commit"))
    sections = [summary_section(results, a, T)]
    if about_the_seed(results):
        sections.append(Section(T("sec.requests"), "requests",
                                [Links(request_answers(results, T, a))]))
    sections += [config_section(results, a, T), logs_section(results, a, T), env_section(results, T)]
    if results.kind == "bench":
        sections.append(results_section(results, a, T))
    else:
        from mlpbench.output.report.sweep import sections as sweep_sections

        sections += sweep_sections(results, a, T)
    sections += [plots_section(results, a, T),
                 Section(T("sec.conclusions"), "conclusions", [Paragraph(s) for s in conclusions.conclusions(results, a, T)]),
                 warnings_section(results, a, T)]
    return Report(T("title"), lang, subtitle, sections)


def phases_caption(results: Results, T: Texts) -> str:
    if isinstance(results.plan, SweepPlan):
        return T("plot.phases.sweep", n=format_number(results.config.n), steps=format_number(results.config.steps))
    return T("plot.phases")


def summary_section(results: Results, a: Analysis, T: Texts) -> Section:
    screen = first_screen(results, a, T)
    blocks: list = [Paragraph(screen.verdict, emphasis=True)]
    blocks += [Paragraph(s, role="why") for s in screen.why]
    if screen.scripts:
        blocks.append(Paragraph(screen.scripts, role="why"))
    blocks += [Paragraph(s, role="why") for s in (screen.steady, screen.best) if s]
    blocks += [Paragraph(s, role="when") for s in screen.when]
    if screen.not_done:
        blocks.append(Bullets(screen.not_done, role="not-done"))
    svg = plots.phases(results, a, T, compact=True)
    if svg:
        blocks.append(Figure("phases", svg, phases_caption(results, T)))
    if any("Mann-Whitney" in s for s in screen.sentences()):  # the test is named (in both languages) wherever one decided
        blocks.append(Paragraph(T("summary.reading"), role="reading"))  # after the chart: the answer keeps the first screen
    return Section(T("sec.summary"), "summary", blocks)


def config_rows(results: Results, a: Analysis, T: Texts) -> list[list[str]]:
    c = results.config
    run = next((a.first_run(t) for t in a.targets if a.first_run(t) and a.first_run(t).config), None)  # type: ignore[union-attr]
    batch = T("config.full_batch", rows=c.n_train) if c.batch_size is None else T("config.batch", size=c.batch_size)
    rows = [[T("config.workload"), T("config.builtin") if c.is_builtin else str(c.workload)],
            [T("config.rows"), T("config.rows_value", n=c.n, train=c.n_train, test=c.n_test)]]
    if c.is_builtin:
        rows.append([T("config.layers"), "→".join(map(str, c.layer_sizes))])
    rows += [[T("config.steps"), format_number(c.steps)], [T("config.batch_size"), batch],
             [T("config.optimizer"), T("config.built", optimizer=built) if (built := _built_optimizer(run, c)) else
              T("config.adam", lr=f"{c.lr:g}")],
             *([[T("config.loss"), loss]] if (loss := run.facts.get("loss") if run is not None else None) else []),
             [T("config.seed"), str(c.seed)],
             [T("config.precision"), c.precision], [T("config.log_every"), str(c.log_every)]]
    if run is not None and run.parameters:
        rows.append([T("config.params"), format_number(run.parameters)])
    if run is not None and run.flops_per_step:
        rows.append([T("config.flops"), f"{run.flops_per_step / 1e6:.4g} MFLOP ({T(f'flops.{run.flops_source}')})"])
    return rows


def _built_optimizer(run, config) -> str | None:
    """The optimizer a workload file's run built (its make_optimizer's), as the run recorded it."""
    built = run.facts.get("optimizer") if run is not None and not config.is_builtin else None
    return built if isinstance(built, str) else None


def config_section(results: Results, a: Analysis, T: Texts) -> Section:
    if _jobs_ran(results) or results.kind != "bench":
        blocks: list = [Paragraph(T("config.intro" if results.config.is_builtin else "config.intro.workload")),
                        TableBlock(Table("", [T("config.field"), T("config.value")], config_rows(results, a, T),
                                         text_columns=True))]
    else:  # only scripts ran: mlpbench knows nothing of their settings but their code
        blocks = [Paragraph(T("config.scripts_only"))]
    seed = about_the_seed(results)  # the seed's scripts are shown as the user's only where this run is about them
    code = [c for c in results.code if c.role != "user script" or seed]
    if code:
        blocks.append(Paragraph(T("code.intro")))
    if not results.config.is_builtin and _jobs_ran(results) and not any(c.role == "workload" for c in results.code):
        blocks.append(Paragraph(T("code.workload_missing", name=results.config.workload)))  # its source was not to be had
    for code in sorted(code, key=lambda c: CODE_ORDER.index(c.role)):
        title = T(f"code.{code.role.replace(' ', '_')}", name=code.name, path=code.path, sha=code.sha256[:12])
        blocks.append(Code(code.source, "c" if code.path.endswith(".c") else "python", title))
    return Section(T("sec.config"), "code", blocks)


def logs_section(results: Results, a: Analysis, T: Texts) -> Section:
    name = Namer(results, T)
    blocks: list = []
    for target in a.targets:
        run = a.first_run(target)
        if run is not None:  # a script that prints nothing ran all the same
            blocks.append(Code("\n".join(run.log) if run.log else T("logs.empty"), "text", name.label(target)))
    shown = set(a.targets)
    for trial in [*results.cold, *results.warm]:  # a target none of whose runs finished: what its first one left
        if trial.status != "ok" and trial.target not in shown:
            shown.add(trial.target)
            text = "\n".join([*(trial.record.log if trial.record is not None else []), *(
                (trial.stderr_tail or trial.error or "").splitlines())]) or T("logs.empty")
            blocks.append(Code(text, "text", T("logs.failed", target=name.label(trial.target),
                                                  why=trial.error or trial.status)))
    if not blocks:
        return Section(T("sec.logs"), "logs", [Paragraph(T("logs.none"))])
    job = T("logs.intro.job") if any(not t.is_script for t in a.targets) else ""
    return Section(T("sec.logs"), "logs", [Paragraph(T.sentences(T("logs.intro"), job)), *blocks])


def threads(results: Results, T: Texts) -> str | int | None:
    """torch's threads: this machine's default, and what the runs used where that was another count (``--threads``,
    or a script's own choice: a script and a job that ran on different counts are not timed alike)."""
    default, ran = results.env.torch_threads, {}
    for trial in (*results.cold, *results.warm):
        if trial.record is not None and trial.record.threads is not None:
            ran.setdefault(trial.target, trial.record.threads)
    if set(ran.values()) <= {default}:
        return default
    if default is None:  # a file that did not record the machine's default
        default = T("env.unknown")
    if len(set(ran.values())) == 1:
        return T("env.threads.all", default=default, n=next(iter(ran.values())))
    name = Namer(results, T)
    return T("env.threads.each", default=default, items=T.join(f"{name.label(t)}: {n}" for t, n in ran.items()))


def env_section(results: Results, T: Texts) -> Section:
    env = results.env
    gpus = "; ".join(f"{g.name} ({format_bytes(g.memory_bytes)}, sm {g.capability}, {g.multiprocessors} SMs)"
                     for g in env.gpus) or T("env.none")
    resolution = format_seconds(env.timer_resolution_s) if env.timer_resolution_s is not None else "?"
    rows = [
        ("env.date", env.date), ("env.host", env.hostname), ("env.os", env.os), ("env.python", env.python),
        ("env.cpu", env.cpu), ("env.cores", f"{env.cpu_count} ({env.cpu_usable})"), ("env.threads", threads(results, T)),
        ("env.memory", format_bytes(env.memory_bytes)), ("env.torch", env.torch),
        ("env.cuda", env.torch_cuda or T("env.none")), ("env.cudnn", env.cudnn or T("env.none")), ("env.blas", env.blas),
        ("env.capability", env.cpu_capability), ("env.gpu", gpus), ("env.driver", env.cuda_driver or T("env.none")),
        ("env.timer", f"{env.timer} ({resolution})"), ("env.commit", env.git_commit or T("env.no_commit")),
        ("env.argv", shlex.join(env.argv) if env.argv else T("env.argv.none")),  # as a shell would take it back
    ]
    if results.resumed:  # the date and command are the last session's, not those of every figure
        done = results.resumed
        rows.append(("env.resumed", T("env.resumed.value" if done.since else "env.resumed.value.undated",
                                      points=done.points, one_off=done.one_off, since=done.since)))
    table = Table("", [T("env.key"), T("env.value")],
                  [[T(k), str(v) if v is not None else T("env.unknown")] for k, v in rows], text_columns=True)
    return Section(T("sec.env"), "env", [TableBlock(table)])


def results_section(results: Results, a: Analysis, T: Texts) -> Section:
    name = Namer(results, T)
    blocks: list = [Paragraph(T("results.intro"))]
    if results.interrupted:
        blocks.append(Paragraph(T("results.incomplete", how=results.interrupted)))
    unavailable = [T("results.unavailable_item", target=name.label(t.target), reason=t.reason)
                   for t in results.targets if t.status != "ok"]
    if unavailable:
        blocks += [Paragraph(T("results.unavailable")), Bullets(unavailable)]
    failed = [t for t in [*results.cold, *results.warm] if t.status != "ok"]
    if failed:
        blocks.append(Paragraph(T("results.failed", n=len(failed))))
    for make in (tables.cold_table, tables.phase_table, tables.warm_table, tables.comparison_table,
                 tables.scaling_table, tables.profile_table, tables.memory_table, tables.energy_table,
                 tables.checks_table):
        table = make(results, a, T)
        if table.rows:
            blocks.append(TableBlock(table))
    return Section(T("sec.results"), "results", blocks)


def plots_section(results: Results, a: Analysis, T: Texts) -> Section:
    blocks: list = []
    svg = plots.phases(results, a, T)
    if svg:
        blocks.append(Figure("phases-full", svg, phases_caption(results, T)))
    drawn = plots.trials(results, a, T)
    if drawn:
        blocks.append(Figure("trials", drawn[0], T(drawn[1])))
    drawn = plots.inside_step(results, a, T)
    if drawn:
        blocks.append(Figure("inside-step", drawn[0], T(drawn[1])))
    loss_caption = ("plot.loss.own" if a.checked_own else
                    "plot.loss.reference" if plots.loss_reference(results, a)[2] else "plot.loss")
    for figure_name, make, caption in (("loss", plots.losses, loss_caption),
                                       ("scaling", plots.scaling, "plot.scaling")):
        svg = make(results, a, T)
        if svg:
            blocks.append(Figure(figure_name, svg, T(caption, floor=format_percent(SCALE_FLOOR))))
        elif figure_name == "loss" and (why := plots.losses_left_out(results, a, T)):
            blocks.append(Paragraph(why))
    if not blocks:
        blocks.append(Paragraph(T("plot.none")))
    return Section(T("sec.plots"), "plots", blocks)


def warnings_section(results: Results, a: Analysis, T: Texts) -> Section:
    name = Namer(results, T)
    items = []
    for notice in a.notices():
        where = name.label(notice.target) if notice.target else T("warn.whole_run")
        if notice.mode:
            phases = T.join(T.phase(p) for p in notice.phases)
            where += T("warn.where_phases" if phases else "warn.where", mode=T(f"mode.{notice.mode}"), phases=phases)
        if notice.code.startswith("loss_mismatch"):
            v = notice.values
            where += " — " + T(f"run.{v['run']}", index=v["index"], point=v["point"])
        items.append(T("warn.line", where=T.cap(where), message=T(f"caveat.{notice.code}", **notice.values),
                       advice=advice(notice.code, results, T, **notice.values)))
    items = once_each(items, T)  # every trial of a script that fails the same way: one line, with how many times
    none = T("warn.none.own" if a.checked_own else "warn.none")
    return Section(T("sec.warnings"), "warnings", [Bullets(items, role="warnings")] if items else [Paragraph(none)])
