# The user's CUDA script: the CPU script with the device defined and the data and the model moved
# to it. Standalone: it needs torch and nothing else. Run: python examples/three_layer_nn_pytorch_cuda.py
# (without CUDA it runs on the CPU and says so in its first line).
import torch
import time

start_time = time.time()

import torch.nn as nn
import torch.optim as optim

# The device for GPU processing
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
print(f"Using device: {device}")

# 1. Data set-up (with targets)
# N: number of samples, D_in: input dimension
# H1, H2: hidden layer widths, D_out: output dimension
N, D_in, H1, H2, D_out = 500, 10, 100, 50, 1

# Synthetic input data
torch.manual_seed(42)
x_all = torch.randn(N, D_in)

# The targets ("teacher data"): y = sum(x^2) + noise
y_all = torch.sum(x_all**2, dim=1, keepdim=True) + 0.1 * torch.randn(N, 1)

# Split into training and test data
split_idx = int(N * 0.8)
x_train, x_test = x_all[:split_idx], x_all[split_idx:]
y_train, y_test = y_all[:split_idx], y_all[split_idx:]

# Move the data to the device
x_train = x_train.to(device)
y_train = y_train.to(device)
x_test = x_test.to(device)
y_test = y_test.to(device)

print(f"Data Shapes: Train x={x_train.shape}, y={y_train.shape} | Test x={x_test.shape}, y={y_test.shape}")

# 2. The model
model = nn.Sequential(
    nn.Linear(D_in, H1),
    nn.ReLU(),
    nn.Linear(H1, H2),
    nn.ReLU(),
    nn.Linear(H2, D_out)
)
model.to(device)

# Loss function and optimizer
loss_fn = nn.MSELoss()
optimizer = optim.Adam(model.parameters(), lr=1e-3)

print("Training PyTorch 3-Layer NN for 1000 steps...")
for t in range(1001):
    # --- Forward pass ---
    y_pred = model(x_train)

    # --- Loss ---
    loss = loss_fn(y_pred, y_train)

    if t % 100 == 0:
        print(f"Step {t}: Train Loss = {loss.item():.4f}")

    # --- Backward pass ---
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

print("Training Complete.")

# 3. Evaluation
print("\n--- Model Evaluation ---")
model.eval()  # evaluation mode
with torch.no_grad():  # no gradients
    y_pred_test = model(x_test)
    test_loss = loss_fn(y_pred_test, y_test)
    print(f"Test Loss: {test_loss.item():.4f}")

    # The first 5 predictions next to the truth (.item() copies each value back to the host)
    print("\nFirst 5 Predictions vs Ground Truth:")
    for i in range(5):
        print(f"Pred: {y_pred_test[i].item():.4f} | True: {y_test[i].item():.4f}")

end_time = time.time()
print(f"\nTotal Execution Time: {end_time - start_time:.4f} seconds")
