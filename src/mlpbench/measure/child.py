"""The child side of a trial: ``python -m mlpbench.measure.child SPEC.json OUT.json``.

Reads one ``JobSpec``, runs the one job, and writes one ``RunRecord`` (rank 0 only in a
data-parallel run). Exit status 0 for a finished run, 1 when its loss diverged; a mistake is one
line on stderr and status 2, as everywhere in mlpbench.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    from mlpbench.errors import UsageError, first_line, out_of_memory, workload_traceback

    spec = None
    try:
        import msgspec

        from mlpbench.measure.job import JobSpec, run_job
        from mlpbench.results.files import read_bytes, write_model

        spec = msgspec.json.decode(read_bytes(args[0], "job spec"), type=JobSpec)
        record = run_job(spec)
        if record is not None:
            write_model(args[1], record)
            return 0 if record.status == "ok" else 1
        return 0
    except UsageError as err:
        print(f"mlpbench: error: {err}", file=sys.stderr)
        return 2
    except SystemExit as err:  # the workload's own code: its status would pass for the trial's
        print(f"mlpbench: the workload called sys.exit({err.code!r}) as it trained; its functions must return, "
              f"not end the process", file=sys.stderr)
        return 1
    except Exception as err:  # noqa: BLE001  out of memory, or the workload's own code failed
        if out_of_memory(err):
            print(f"mlpbench: error: out of memory: {first_line(err)}", file=sys.stderr)
            return 1
        shown = workload_traceback(err, spec.config.workload if spec is not None else None)
        if shown is None:
            raise
        sys.stderr.write(shown)  # as python3 would print it for the user's code: the parent keeps its last line
        return 1


if __name__ == "__main__":
    sys.exit(main())
