#!/usr/bin/python3
"""check_rnn.py: vgrad's recurrent models against torch.nn.RNN, LSTM and GRU.

Not part of the test suite (it needs python3-torch, about 1 GB: apt-get
install python3-torch python3-numpy).  Run from anywhere, after building:

    tests/torch/check_rnn.py [PATH_TO_VGRAD]     (default build/vgrad)

For each model (RNN with tanh and with relu, LSTM with forget_bias=1, GRU),
two stacked layers and a dense output layer on the last hidden state, it
writes a csv of random sequences (time-major features, a class label), runs
`vgrad run ... steps=1 save_weights=DIR` on the full batch, loads DIR's
weights files (PyTorch's names: weight_ih_l0, ...) into the torch modules in
float64 and compares what vgrad wrote:
  - train.csv's loss at step 0 and, after one SGD step, at step 1, against
    nn.RNN/LSTM/GRU with nn.CrossEntropyLoss;
  - layers.csv's gradient norms of step 0: grad_w_norm (of [W_ih, W_hh]),
    grad_b_norm (of [b_ih, b_hh]), and the output layer's;
  - time.csv's per-step values of step 0: grad_h_norm (total dL/dh_t),
    grad_c_norm (LSTM dL/dc_t), grad_whh_norm (step t's term of dL/dW_hh),
    h_mean, and the gate means (LSTM i, f, o; GRU r, z), from a step-by-step
    loop over torch's cell kernels (torch.lstm_cell, torch.gru_cell,
    torch.rnn_tanh_cell, torch.rnn_relu_cell) with a copy of W_hh per step;
    that loop's loss must equal the module's.
It prints the largest relative difference of each quantity and exits 1 if
any exceeds 1e-10, 0 otherwise.
"""
import csv
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

TOL = 1e-10
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
torch.set_default_dtype(torch.float64)


def read_matrix(path):
    with open(path) as f:
        return torch.tensor([[float(v) for v in row] for row in csv.reader(f)])


def read_rows(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def rel(a, b):
    a, b = float(a), float(b)
    return abs(a - b) / max(abs(a), abs(b), 1e-300)


def check(vgrad, tmp, model, act, extra, B=6, T=7, D=3, H=5, depth=2, K=3, lr=0.1):
    rng = np.random.default_rng(17)
    x = rng.normal(size=(B, T, D))
    labels = rng.integers(0, K, size=B)
    labels[:K] = np.arange(K)    # every class occurs: vgrad counts K from the labels
    data = os.path.join(tmp, "seq.csv")
    with open(data, "w") as f:
        for i in range(B):
            f.write(",".join(repr(float(v)) for v in x[i].reshape(-1)) + ",%d\n" % labels[i])
    out, wdir = os.path.join(tmp, "out-" + model + act), os.path.join(tmp, "w-" + model + act)
    # the RNN's φ is activation; the LSTM and GRU refuse the key
    phi = ["activation=" + act] if model == "rnn" else []
    args = [vgrad, "run", "model=" + model] + phi + ["dataset=csv:" + data,
            "seq_len=%d" % T, "depth=%d" % depth, "width=%d" % H, "steps=1", "log_every=1",
            "optimizer=sgd", "lr=%g" % lr, "bias_init=normal:0.3", "init=xavier_uniform",
            "recurrent_init=orthogonal", "recurrent_gain=0.9", "save_weights=" + wdir,
            "out=" + out] + extra
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)

    G = {"rnn": 1, "lstm": 4, "gru": 3}[model]
    W = [{name: read_matrix(os.path.join(wdir, "%s_l%d.csv" % (name, l)))
          for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")} for l in range(depth)]
    for l in range(depth):
        for name in ("bias_ih", "bias_hh"):
            W[l][name] = W[l][name].reshape(-1)
        assert W[l]["weight_ih"].shape == (G * H, D if l == 0 else H)
    Wout = read_matrix(os.path.join(wdir, "W%d.csv" % (depth + 1)))
    bout = read_matrix(os.path.join(wdir, "b%d.csv" % (depth + 1))).reshape(-1)
    xt, yt = torch.tensor(x), torch.tensor(labels)

    # the module: loss and parameter gradients
    kw = {"nonlinearity": act} if model == "rnn" else {}
    cls = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[model]
    net = cls(D, H, num_layers=depth, batch_first=True, **kw)
    head = torch.nn.Linear(H, K)
    with torch.no_grad():
        for l in range(depth):
            for name in W[l]:
                getattr(net, "%s_l%d" % (name, l)).copy_(W[l][name])
        head.weight.copy_(Wout)
        head.bias.copy_(bout)
    params = list(net.parameters()) + list(head.parameters())

    def module_loss():
        seq = net(xt)[0]
        return torch.nn.functional.cross_entropy(head(seq[:, -1]), yt)

    loss0 = module_loss()
    for p in params:
        p.grad = None
    loss0.backward()
    grads = {l: [getattr(net, "%s_l%d" % (n, l)).grad for n in W[l]] for l in range(depth)}
    grad_out = (head.weight.grad.norm(), head.bias.grad.norm())
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad
    loss1 = module_loss().detach()

    # the cells step by step: per-step gradients
    cell = {"lstm": torch.lstm_cell, "gru": torch.gru_cell,
            "rnn": torch.rnn_tanh_cell if act == "tanh" else torch.rnn_relu_cell}[model]
    inp = xt
    hs, cs, whh, gates = [], [], [], []
    for l in range(depth):
        h = torch.zeros(B, H)
        c = torch.zeros(B, H)
        hl, cl, wl, gl, outs = [], [], [], [], []
        for t in range(T):
            w_t = W[l]["weight_hh"].clone().requires_grad_(True)
            xin = inp[:, t]
            pre_x = xin @ W[l]["weight_ih"].T + W[l]["bias_ih"]
            pre_h = h.detach() @ W[l]["weight_hh"].T + W[l]["bias_hh"]
            if model == "lstm":
                h, c = cell(xin, (h, c), W[l]["weight_ih"], w_t, W[l]["bias_ih"], W[l]["bias_hh"])
                s = torch.sigmoid(pre_x + pre_h)
                gl.append({"i": s[:, :H].mean(), "f": s[:, H:2 * H].mean(),
                           "o": s[:, 3 * H:].mean()})
                c.retain_grad()
                cl.append(c)
            else:
                h = cell(xin, h, W[l]["weight_ih"], w_t, W[l]["bias_ih"], W[l]["bias_hh"])
                if model == "gru":
                    s = torch.sigmoid(pre_x[:, :2 * H] + pre_h[:, :2 * H])
                    gl.append({"r": s[:, :H].mean(), "z": s[:, H:].mean()})
            h.retain_grad()
            hl.append(h)
            wl.append(w_t)
            outs.append(h)
        hs.append(hl)
        cs.append(cl)
        whh.append(wl)
        gates.append(gl)
        inp = torch.stack(outs, 1)
    loss_loop = torch.nn.functional.cross_entropy(hs[-1][-1] @ Wout.T + bout, yt)
    loss_loop.backward()

    diffs = {}

    def note(name, a, b):
        diffs[name] = max(diffs.get(name, 0.0), rel(a, b))

    train = read_rows(os.path.join(out, "train.csv"))
    note("loss step 0", train[0]["loss"], loss0)
    note("loss step 1 (after SGD)", train[1]["loss"], loss1)
    note("loss of the cell loop", loss_loop, loss0)
    layers = [r for r in read_rows(os.path.join(out, "layers.csv")) if r["step"] == "0"]
    for l in range(depth):
        gw = torch.cat([grads[l][0].reshape(-1), grads[l][1].reshape(-1)]).norm()
        gb = torch.cat([grads[l][2], grads[l][3]]).norm()
        note("grad_w_norm", layers[l]["grad_w_norm"], gw)
        note("grad_b_norm", layers[l]["grad_b_norm"], gb)
    note("grad_w_norm", layers[depth]["grad_w_norm"], grad_out[0])
    note("grad_b_norm", layers[depth]["grad_b_norm"], grad_out[1])
    for r in read_rows(os.path.join(out, "time.csv")):
        if r["step"] != "0":
            continue
        l, t = int(r["layer"]) - 1, int(r["t"]) - 1
        note("grad_h_norm", r["grad_h_norm"], hs[l][t].grad.norm())
        note("grad_whh_norm", r["grad_whh_norm"], whh[l][t].grad.norm() if t > 0 else 0.0)
        note("h_mean", r["h_mean"], hs[l][t].mean())
        if model == "lstm":
            note("grad_c_norm", r["grad_c_norm"], cs[l][t].grad.norm())
        for g, v in (gates[l][t].items() if model != "rnn" else []):
            note("gate_%s_mean" % g, r["gate_%s_mean" % g], v)
    return diffs


def main():
    vgrad = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "vgrad")
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for model, act, extra in (("rnn", "tanh", []), ("rnn", "relu", []),
                                  ("lstm", "tanh", ["forget_bias=1"]), ("gru", "tanh", [])):
            diffs = check(vgrad, tmp, model, act, extra)
            for name, d in sorted(diffs.items()):
                print("%-5s %-5s %-26s largest relative difference %.3e" % (model, act, name, d))
                worst = max(worst, d)
    print("largest difference %.3e (tolerance %g): %s" % (worst, TOL, "ok" if worst <= TOL else "FAILED"))
    return 0 if worst <= TOL else 1


if __name__ == "__main__":
    sys.exit(main())
