"""The user's CUDA script: the same training, with the data and the model moved to an NVIDIA GPU.

Run it with ``python examples/three_layer_nn_pytorch_cuda.py``. Without CUDA it says so and runs
on the CPU. Its time includes CUDA start-up and the copies to the GPU, exactly like the user's
measurement; ``mlpbench run --device cuda`` shows how much each of those costs.
"""

import time

import torch

start_time = time.time()  # as in the user's script: the clock starts after `import torch`

from mlpbench import workload  # noqa: E402
from mlpbench.backends.eager import EagerTrainer  # noqa: E402
from mlpbench.config import WorkloadConfig  # noqa: E402

# Define the device for GPU processing.
if torch.cuda.is_available():
    device = torch.device("cuda")
else:
    device = torch.device("cpu")
    print("Notice: CUDA is not available on this machine, so this script runs on the CPU instead.")
print(f"Using device: {device}")

config = WorkloadConfig()  # N=500, D_in=10, H1=100, H2=50, D_out=1, Adam lr=1e-3, 1001 steps, seed 42

# 1. Data and initial weights are drawn on the CPU (so both scripts get the same numbers) ...
problem = workload.make_problem(config)
print(workload.data_shapes_line(problem.data))

# ... then moved to the device: x_train, y_train, x_test, y_test and the model's weights.
problem = problem.to(device)

# 2. The model, MSE loss and Adam, on the device: the user's loop, unchanged.
trainer = EagerTrainer(problem, str(device))
print(workload.training_banner(config))
trainer.train(on_log=lambda step, loss: print(workload.step_line(step, loss)))
print(workload.TRAINING_COMPLETE)

# 3. Evaluation; the predictions are copied back to the CPU to print them.
evaluation = workload.evaluate(trainer.parameters(), problem.data)
print("\n".join(workload.evaluation_lines(evaluation)))

print(workload.total_time_line(time.time() - start_time))
