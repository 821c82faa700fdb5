"""The user's CPU script, rebuilt on mlpbench's workload: train the three-layer MLP and time it.

Run it with ``python examples/three_layer_nn_pytorch.py`` (after ``make setup``). It prints the
same log as the user's original script. For an honest, phase-by-phase timing use ``mlpbench run``.
"""

import time

import torch

start_time = time.time()  # as in the user's script: the clock starts after `import torch`

from mlpbench import workload  # noqa: E402  (the import order is part of what is timed)
from mlpbench.backends.eager import EagerTrainer  # noqa: E402
from mlpbench.config import WorkloadConfig  # noqa: E402

config = WorkloadConfig()  # N=500, D_in=10, H1=100, H2=50, D_out=1, Adam lr=1e-3, 1001 steps, seed 42

# 1. Data (with targets) and the model's initial weights, drawn from torch.manual_seed(42).
problem = workload.make_problem(config)
print(workload.data_shapes_line(problem.data))

# 2. The model, MSE loss and Adam: the user's loop, unchanged (see mlpbench/backends/eager.py).
trainer = EagerTrainer(problem, "cpu")
print(workload.training_banner(config))
trainer.train(on_log=lambda step, loss: print(workload.step_line(step, loss)))
print(workload.TRAINING_COMPLETE)

# 3. Evaluation on the held-out 20 %.
evaluation = workload.evaluate(trainer.parameters(), problem.data)
print("\n".join(workload.evaluation_lines(evaluation)))

print(workload.total_time_line(time.time() - start_time))
