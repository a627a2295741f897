"""Train in glassnet, continue in PyTorch, serve with onnxruntime.

Needs the ``torch`` and ``onnx`` extras (``pip install 'glassnet[torch,onnx]'``, or
``pip install -e '.[torch,onnx]'`` in a clone); writes three small files to the current
folder.  The tests run this script (tests/test_readme_example.py).
"""

import numpy as np
import onnxruntime
import torch
from safetensors.torch import load_file, save_file

import glassnet
import glassnet.onnx
from glassnet import nn

# 1. Train in glassnet: a small MLP learns XOR (is a point in the top-right or bottom-left quarter?).
rng = np.random.default_rng(0)
points = rng.uniform(-1, 1, size=(512, 2)).astype(np.float32)
labels = (points[:, 0] * points[:, 1] > 0).astype(np.int64)

glassnet.manual_seed(0)
model = glassnet.models.mlp([2, 32, 32, 2], activation="tanh")
optimizer = glassnet.optim.Adam(model.parameters(), lr=0.01)
x, y = glassnet.from_numpy(points), glassnet.from_numpy(labels)
for _ in range(200):
    optimizer.zero_grad()
    loss = nn.functional.cross_entropy(model(x), y)
    loss.backward()
    optimizer.step()
print(f"glassnet: loss {loss.item():.3f}")
glassnet.save(model.state_dict(), "xor.safetensors", metadata={"model": repr(model)})

# 2. Continue in PyTorch: the same layers have the same state_dict keys ("0.weight", "0.bias", ...).
#    (glassnet.interop.to_torch(model) would build this Sequential for you.)
torch_model = torch.nn.Sequential(
    torch.nn.Linear(2, 32), torch.nn.Tanh(), torch.nn.Linear(32, 32), torch.nn.Tanh(), torch.nn.Linear(32, 2)
)
torch_model.load_state_dict(load_file("xor.safetensors"))
torch_optimizer = torch.optim.Adam(torch_model.parameters(), lr=0.01)
for _ in range(200):
    torch_optimizer.zero_grad()
    torch_loss = torch.nn.functional.cross_entropy(torch_model(torch.from_numpy(points)), torch.from_numpy(labels))
    torch_loss.backward()
    torch_optimizer.step()
print(f"PyTorch: loss {torch_loss.item():.3f}")
save_file(torch_model.state_dict(), "xor-finetuned.safetensors")

# 3. Back in glassnet: load the fine-tuned weights, export to ONNX, serve with onnxruntime (any batch size).
model.load_state_dict(glassnet.load("xor-finetuned.safetensors"))
glassnet.onnx.export(model.eval(), glassnet.zeros(1, 2), "xor.onnx")
session = onnxruntime.InferenceSession("xor.onnx", providers=["CPUExecutionProvider"])
corners = np.array([[0.5, 0.5], [-0.5, 0.5], [-0.5, -0.5], [0.5, -0.5]], dtype=np.float32)
(scores,) = session.run(None, {"input": corners})
print("onnxruntime predicts", scores.argmax(axis=1))  # [1 0 1 0]
np.testing.assert_allclose(scores, model(glassnet.from_numpy(corners)).data, atol=1e-5)
