"""What a user installs: a report is drawn without importing torch, and a wheel (not an editable
install) carries the user's two scripts, so its results record and its reports show them."""

from __future__ import annotations

import subprocess
import sys

from conftest import DATA, ROOT, cli_env


def test_drawing_a_report_does_not_import_torch(tmp_path):
    code = ("import sys; from mlpbench.cli import main; "
            f"code = main(['report', {str(DATA / 'results-cpu.json')!r}, '-o', {str(tmp_path / 'r.html')!r}]); "
            "print(code, 'torch' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=cli_env(), timeout=300)
    assert proc.stdout.split()[-2:] == ["0", "False"], proc.stderr


def test_the_notebook_api_is_offered_by_tab_completion_without_importing_torch():
    code = "import sys, mlpbench; print([n for n in dir(mlpbench) if not n.startswith('_')], 'torch' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=cli_env(), timeout=120)
    assert proc.stdout.strip() == "['bench', 'load', 'run', 'sweep'] False", proc.stderr


def test_a_workload_file_with_a_syntax_error_is_refused_before_torch_is_imported(tmp_path):
    """It was found only when the file was imported, after import torch: seconds, where the README says one line
    before anything heavy."""
    bad, missing = tmp_path / "bad.py", tmp_path / "script.py"
    bad.write_text("def build_model(:\n")
    missing.write_text("print('a training script')\n")
    code = ("import sys, mlpbench\nfrom mlpbench.errors import UsageError\n"
            f"for call in (lambda: mlpbench.bench({str(bad)!r}, devices='cpu'), "
            f"lambda: mlpbench.sweep({str(bad)!r}, devices='cpu'), lambda: mlpbench.run({str(missing)!r})):\n"
            "    try:\n        call()\n    except UsageError as err:\n        print(err, 'torch' in sys.modules)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=cli_env(), timeout=120)
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 3 and all(line.endswith(" False") for line in lines), (proc.stdout, proc.stderr)
    assert "a syntax error at line 1" in lines[0] and "a syntax error at line 1" in lines[1]
    assert "defines no build_model() and no make_data()" in lines[2]
    assert f'to time a script as it is: `mlpbench.bench(scripts="{missing}")`)' in lines[2]  # in the API's words


def test_a_wheel_carries_the_users_scripts(tmp_path):
    wheel = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                            str(tmp_path / "dist"), str(ROOT)], capture_output=True, text=True, timeout=300)
    assert wheel.returncode == 0, wheel.stderr
    target = tmp_path / "site"
    install = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
                              *map(str, (tmp_path / "dist").glob("mlpbench-*.whl"))], capture_output=True, text=True,
                             timeout=300)
    assert install.returncode == 0, install.stderr
    code = ("import mlpbench.measure.sources as s; print(s.__file__); "
            "print(sorted(c.name for c in s.user_scripts([]))); "
            "from mlpbench.api import load; "
            f"paths = load({str(DATA / 'results-cpu.json')!r}).report({str(tmp_path / 'r.md')!r}, lang='ja'); "
            "print(len(paths))")
    env = cli_env()
    env["PYTHONPATH"] = str(target)  # the installed wheel, not the checkout
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stderr
    where, names, reports = proc.stdout.strip().splitlines()
    assert where.startswith(str(target))
    assert names == "['three_layer_nn_pytorch.py', 'three_layer_nn_pytorch_cuda.py']"
    assert int(reports) >= 4 and "three_layer_nn_pytorch_cuda.py" in (tmp_path / "r.md").read_text()
