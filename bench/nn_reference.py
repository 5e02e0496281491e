#!/usr/bin/env python3
"""PyTorch CPU reference for `npm run bench -- nn`: the same models and shapes as bench/nn.ts.

Modes (one JSON object on stdout):
  step  --model M [--steps N]         median ms per training step (Adam, MSE) on random data, wall
                                      clock and process CPU time (robust when the machine is shared)
  reach --model M --data PREFIX --target LOSS [--max-epochs E]
                                      wall seconds until the validation MSE reaches LOSS, on the data
                                      bench/nn.ts wrote (PREFIX.{xtr,ytr,xva,yva}.f32 + PREFIX.json)

One thread: with two, Debian's OpenBLAS oversubscribes this machine's cores (3-5x slower).
"""
import argparse
import json
import math
import statistics
import time

import numpy as np
import torch
from torch import nn

torch.set_num_threads(1)

BATCH = 256
SEQ = 32
FEATURES = 16


class PosEnc(nn.Module):
    def __init__(self, seq, d):
        super().__init__()
        pe = torch.zeros(seq, d)
        pos = torch.arange(seq, dtype=torch.float32).unsqueeze(1)
        div = torch.exp(torch.arange(0, d, 2, dtype=torch.float32) * (-math.log(10000.0) / d))
        pe[:, 0::2] = torch.sin(pos * div)
        pe[:, 1::2] = torch.cos(pos * div)
        self.register_buffer("pe", pe)

    def forward(self, x):
        return x + self.pe


class Lstm(nn.Module):
    def __init__(self, f=FEATURES, h=32):
        super().__init__()
        self.rnn = nn.LSTM(f, h, batch_first=True)
        self.out = nn.Linear(h, 1)

    def forward(self, x):
        y, _ = self.rnn(x)
        return self.out(y[:, -1, :])


class Conv(nn.Module):
    def __init__(self, f=FEATURES, filters=32, k=3):
        super().__init__()
        self.c1 = nn.Conv1d(f, filters, k, padding=k - 1)
        self.c2 = nn.Conv1d(filters, filters, k, padding=k - 1)
        self.out = nn.Linear(filters, 1)
        self.k = k

    def forward(self, x):
        # causal convolutions: pad both sides, keep the first L outputs (each sees only the past)
        L = x.shape[1]
        h = torch.relu(self.c1(x.transpose(1, 2))[:, :, :L])
        h = torch.relu(self.c2(h)[:, :, :L])
        return self.out(h[:, :, -1])


class Mlp(nn.Module):
    def __init__(self, f=512, hidden=(256, 256, 256)):
        super().__init__()
        layers = []
        d = f
        for u in hidden:
            layers += [nn.Linear(d, u), nn.ReLU()]
            d = u
        layers.append(nn.Linear(d, 1))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)


class Transformer(nn.Module):
    def __init__(self, f=FEATURES, d=32, heads=4, layers=2, ff=64, seq=SEQ):
        super().__init__()
        self.inp = nn.Linear(f, d)
        self.pe = PosEnc(seq, d)
        layer = nn.TransformerEncoderLayer(d, heads, dim_feedforward=ff, dropout=0.0, batch_first=True, norm_first=True)
        self.enc = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(d)
        self.out = nn.Linear(d, 1)

    def forward(self, x):
        h = self.enc(self.pe(self.inp(x)))
        return self.out(self.norm(h[:, -1, :]))


def make(model, f=None):
    if model == "lstm":
        return Lstm(f or FEATURES), (SEQ, f or FEATURES)
    if model == "conv1d":
        return Conv(f or FEATURES), (SEQ, f or FEATURES)
    if model == "mlp":
        return Mlp(f or 512), ((f or 512),)
    if model == "transformer":
        return Transformer(f or FEATURES), (SEQ, f or FEATURES)
    raise SystemExit(f"unknown model {model}")


def step_mode(model, steps):
    torch.manual_seed(0)
    net, shape = make(model)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    x = torch.randn(BATCH, *shape)
    y = torch.randn(BATCH, 1)
    loss_fn = nn.MSELoss()

    def one():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()

    for _ in range(3):
        one()
    wall, cpu = [], []
    for _ in range(steps):
        t0, c0 = time.perf_counter(), time.process_time()
        one()
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return {"model": model, "torch_ms": statistics.median(wall), "torch_cpu_ms": statistics.median(cpu), "torch_min_ms": min(wall), "steps": steps}


def reach_mode(model, prefix, target, max_epochs):
    meta = json.load(open(prefix + ".json"))
    shape = tuple(meta["shape"])
    xtr = torch.from_numpy(np.fromfile(prefix + ".xtr.f32", dtype=np.float32).reshape(-1, *shape))
    ytr = torch.from_numpy(np.fromfile(prefix + ".ytr.f32", dtype=np.float32)).unsqueeze(1)
    xva = torch.from_numpy(np.fromfile(prefix + ".xva.f32", dtype=np.float32).reshape(-1, *shape))
    yva = torch.from_numpy(np.fromfile(prefix + ".yva.f32", dtype=np.float32)).unsqueeze(1)
    torch.manual_seed(0)
    net, _ = make(model, shape[-1])
    opt = torch.optim.Adam(net.parameters(), lr=meta["lr"])
    loss_fn = nn.MSELoss()
    g = torch.Generator().manual_seed(0)
    t0 = time.perf_counter()
    reached = None
    history = []
    for epoch in range(max_epochs):
        net.train()
        perm = torch.randperm(xtr.shape[0], generator=g)
        for i in range(0, xtr.shape[0], BATCH):
            idx = perm[i : i + BATCH]
            opt.zero_grad(set_to_none=True)
            loss_fn(net(xtr[idx]), ytr[idx]).backward()
            opt.step()
        net.eval()
        with torch.no_grad():
            vl = float(loss_fn(net(xva), yva))
        history.append(vl)
        if vl <= target:
            reached = epoch + 1
            break
    return {"model": model, "seconds": time.perf_counter() - t0, "epochs": reached, "valid_loss": history}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["step", "reach"])
    ap.add_argument("--model", required=True)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--data")
    ap.add_argument("--target", type=float)
    ap.add_argument("--max-epochs", type=int, default=50)
    a = ap.parse_args()
    out = step_mode(a.model, a.steps) if a.mode == "step" else reach_mode(a.model, a.data, a.target, a.max_epochs)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
