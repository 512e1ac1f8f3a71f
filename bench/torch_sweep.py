"""torch_sweep.py: PyTorch's side of scripts/bench.sh's sweep row.

The 40 runs of the benchmark's grid in one Python process: activations
sigmoid, tanh, relu, gelu x seeds 1..10; a float64 MLP of 10 hidden layers
of 64 units (Glorot-uniform weights, zero biases, as vgrad's defaults), a
3-way softmax cross-entropy output, 101 full-batch passes and 100 SGD
updates (lr 0.1) on 300 spiral points (vgrad's spiral: 3 arms, angle noise
0.1); at steps 0, 10, ..., 100 the loss and every layer's weight- and
bias-gradient norms are written to a CSV file, as vgrad's sweep writes its
layers.csv.  One thread.  Its time, import included, is measured from
outside (scripts/bench.sh).

    /usr/bin/python3 bench/torch_sweep.py OUT.csv
"""
import math
import os
import sys

os.environ["OPENBLAS_NUM_THREADS"] = "1"  # see torch_step.py
import torch  # noqa: E402


def spiral(n=300, classes=3, noise=0.1):
    gen = torch.Generator().manual_seed(0)
    xs, ys = [], []
    for j in range(classes):
        m = n // classes + (j < n % classes)
        for k in range(m):
            r = k / (m - 1) if m > 1 else 0.0
            t = 4.0 * j + 4.0 * r + noise * torch.randn(1, generator=gen).item()
            xs.append((r * math.sin(t), r * math.cos(t)))
            ys.append(j)
    return torch.tensor(xs, dtype=torch.float64), torch.tensor(ys)


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: torch_sweep.py OUT.csv\n")
        return 2
    torch.set_num_threads(1)
    x, y = spiral()
    acts = {"sigmoid": torch.nn.Sigmoid, "tanh": torch.nn.Tanh, "relu": torch.nn.ReLU,
            "gelu": torch.nn.GELU}
    loss_fn = torch.nn.CrossEntropyLoss()
    with open(sys.argv[1], "w") as out:
        out.write("activation,seed,step,layer,loss,grad_w_norm,grad_b_norm\n")
        for name, act in acts.items():
            for seed in range(1, 11):
                torch.manual_seed(seed)
                layers, fan_in = [], 2
                for _ in range(10):
                    layers += [torch.nn.Linear(fan_in, 64), act()]
                    fan_in = 64
                layers.append(torch.nn.Linear(fan_in, 3))
                net = torch.nn.Sequential(*layers).double()
                linears = [m for m in net if isinstance(m, torch.nn.Linear)]
                for m in linears:
                    torch.nn.init.xavier_uniform_(m.weight)
                    torch.nn.init.zeros_(m.bias)
                opt = torch.optim.SGD(net.parameters(), lr=0.1)
                for step in range(101):
                    opt.zero_grad(set_to_none=True)
                    loss = loss_fn(net(x), y)
                    loss.backward()
                    if step % 10 == 0:
                        lv = loss.item()
                        for i, m in enumerate(linears):
                            out.write("%s,%d,%d,%d,%.17g,%.17g,%.17g\n" % (
                                name, seed, step, i + 1, lv, m.weight.grad.norm().item(),
                                m.bias.grad.norm().item()))
                    if step < 100:
                        opt.step()
    return 0


if __name__ == "__main__":
    sys.exit(main())
